using Federation.Core.Feed;

namespace Federation.Idp.Tests.Infrastructure;

/// <summary>The register's systems the tests sign in to.</summary>
public static class TestSystems
{
    public const string PortalId = "skolportalen";
    public const string PortalSecret = "portal-test-secret-1234";
    public const string PortalRedirect = "http://127.0.0.1:7001/signin-oidc";
    public const string PortalLogout = "http://127.0.0.1:7001/signed-out";
    public const string MinimalId = "lunchmenyn";
    public const string MinimalSecret = "lunch-test-secret-1234";
    public const string Loa3Id = "elevhalsan";
    public const string Loa3Secret = "elevhalsa-test-secret-1234";
    public const string PublicId = "larplattform-spa";
    public const string BatchId = "schema-batch";
    public const string BatchSecret = "batch-test-secret-1234";
    public const string Redirect = "http://127.0.0.1:7001/cb";
    /// <summary>Open to principals only (an OIDC client that signs in directly, not through the gateway).</summary>
    public const string PrincipalsId = "rektorsportalen";
    public const string PrincipalsSecret = "rektor-test-secret-1234";
    /// <summary>LIKA: teachers and principals at Björkskolan.</summary>
    public const string LikaId = "lika";
    public const string LikaSecret = "lika-test-secret-1234";
    public const string LikaLogout = "http://127.0.0.1:7001/lika-signed-out";

    private static readonly FeedAccessPolicy Anyone = new([], [], [], "loa2");

    public static FederationFeed Feed() => new(1, DateTimeOffset.UtcNow,
    [
        new FeedSystem("skolportalen", "Skolportalen", LifecyclePhase.AnvandningOchSupport, Anyone,
            ["name", "given_name", "family_name", "email", "roles", "school_units", "acr"],
            new FeedOidcClient(PortalId, PortalSecret, [PortalRedirect], [PortalLogout],
                ["authorization_code", "refresh_token"], ["federation.register"])),
        new FeedSystem("lunchmenyn", "Lunchmenyn", LifecyclePhase.AnvandningOchSupport, Anyone,
            ["given_name"],
            new FeedOidcClient(MinimalId, MinimalSecret, [Redirect], [], ["authorization_code", "refresh_token"], [])),
        new FeedSystem("elevhalsan", "Elevhälsan", LifecyclePhase.AnvandningOchSupport, Anyone with { AssuranceLevel = "loa3" },
            ["name", "personnummer", "acr"],
            new FeedOidcClient(Loa3Id, Loa3Secret, [Redirect], [], ["authorization_code"], [])),
        new FeedSystem("larplattform", "Lärplattformen", LifecyclePhase.Driftsattning, Anyone,
            ["name", "roles"],
            new FeedOidcClient(PublicId, null, [Redirect], [], ["authorization_code", "refresh_token"], [])),
        new FeedSystem("rektorsportalen", "Rektorsportalen", LifecyclePhase.AnvandningOchSupport, Anyone with { Roles = ["rektor"] },
            ["name", "roles"],
            new FeedOidcClient(PrincipalsId, PrincipalsSecret, [Redirect], [], ["authorization_code", "refresh_token"], [])),
        new FeedSystem("lika", "LIKA", LifecyclePhase.AnvandningOchSupport, Anyone with { Roles = ["larare", "rektor"], SchoolUnits = ["41526371"] },
            ["name", "roles", "school_units"],
            new FeedOidcClient(LikaId, LikaSecret, [Redirect], [LikaLogout], ["authorization_code", "refresh_token"], [])),
        new FeedSystem("schema", "Schemaläggning", LifecyclePhase.AnvandningOchSupport, Anyone,
            [],
            new FeedOidcClient(BatchId, BatchSecret, [], [], ["client_credentials"], ["federation.feed"])),
    ]);
}
