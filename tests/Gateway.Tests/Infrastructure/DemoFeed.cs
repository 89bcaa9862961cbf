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
    ];

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
