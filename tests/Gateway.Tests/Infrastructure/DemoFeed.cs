using Federation.Core.Feed;

namespace Federation.Gateway.Tests.Infrastructure;

/// <summary>The register's feed for the gateway tests: one system per policy rule.</summary>
internal static class DemoFeed
{
    public const string Bjorkskolan = "41526371";
    public const string Ekdalsgymnasiet = "29384756";

    /// <summary>A system only the metrics test publishes, so its measurements are told apart from parallel tests'.</summary>
    public const string MetricsOnly = "matsystem";

    /// <summary>Every system id a test uses, so the rig can give each a signing key.</summary>
    public static readonly string[] SystemIds =
    [
        "echo", "larare", "grupp", "bjork", "mfa", "tokenapi", "pair", "avveckling", "gamla",
        "nytt", "policyandras", "tillfalligt1", "tillfalligt2", "kortlivat", "efterfoljare", "procapita", MetricsOnly,
        "forskola", "pctoken", "portaltoken", "isolerad", "tyst", "stangd", "halsovard",
    ];

    /// <summary>
    /// Backends with and without personnummer on their release lists, by headers and by token
    /// (ProCapita and Förskoleportalen of the demo register), for the per-system release tests.
    /// </summary>
    public static FederationFeed WithReleaseSystems(FederationFeed feed, Uri backend) => feed
        .With(System("procapita", "/procapita", [backend], Anyone with { Roles = ["skolsekreterare", "rektor"] },
            release: ["name", "personnummer", "roles", "school_units", "eppn"]))
        .With(System("forskola", "/forskola", [backend], Anyone with { Roles = ["vardnadshavare", "larare", "rektor"] },
            release: ["name", "email", "roles", "school_units"]))
        .With(System("pctoken", "/pctoken", [backend], Anyone with { Roles = ["skolsekreterare", "rektor"] }, release: ["name", "personnummer", "roles"]) with
        {
            Backend = new FeedBackend("/pctoken", [backend.ToString()], "/health", IdentityForwarding.Token, "procapita-api"),
        })
        .With(System("portaltoken", "/portaltoken", [backend], Anyone, release: ["name", "roles"]) with
        {
            Backend = new FeedBackend("/portaltoken", [backend.ToString()], "/health", IdentityForwarding.Token, "portal-api"),
        });

    public static FederationFeed Create(Uri a, Uri b) => new(1, DateTimeOffset.UtcNow,
    [
        System("echo", "/echo", [a], Anyone, release: ["given_name", "roles", "school_units", "eppn", "acr"]),
        System("larare", "/larare", [a], Anyone with { Roles = ["larare", "rektor"] }),
        System("grupp", "/grupp", [a], Anyone with { Groups = ["elevhalsoteam"] }),
        System("bjork", "/bjork", [a], Anyone with { SchoolUnits = [Bjorkskolan] }),
        System("mfa", "/mfa", [a], Anyone with { AssuranceLevel = "loa3" }),
        System("tokenapi", "/tokenapi", [a], Anyone) with
        {
            Backend = new FeedBackend("/tokenapi", [a.ToString()], "/health", IdentityForwarding.Token, "procapita-api"),
        },
        System("pair", "/pair", [a, b], Anyone),
        System("avveckling", "/avveckling", [a], Anyone) with
        {
            Lifecycle = LifecyclePhase.Avveckling,
            Notice = "Avvecklas 30 juni; använd Lärplattformen.",
        },
        System("gamla", "/gamla", [a], Anyone) with { Lifecycle = LifecyclePhase.Avvecklad },
    ]);

    public static readonly FeedAccessPolicy Anyone = new([], [], [], "loa2");

    public static FeedSystem System(string id, string path, Uri[] upstreams, FeedAccessPolicy access, string[]? release = null) =>
        new(id, "System " + id, LifecyclePhase.AnvandningOchSupport, access, release ?? ["given_name"],
            Backend: new FeedBackend(path, upstreams.Select(u => u.ToString()).ToArray(), "/health"));

    public static FederationFeed With(this FederationFeed feed, FeedSystem system) =>
        feed with { Systems = [.. feed.Systems.Where(s => s.Id != system.Id), system] };

    public static FederationFeed Without(this FederationFeed feed, string id) =>
        feed with { Systems = [.. feed.Systems.Where(s => s.Id != id)] };

    public static FeedSystem Get(this FederationFeed feed, string id) => feed.Systems.Single(s => s.Id == id);
}
