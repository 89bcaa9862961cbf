using System.Security.Cryptography.X509Certificates;
using Federation.Core.Feed;
using Federation.Core.Secrets;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Storage;
using Federation.Idp.Tests.Infrastructure;
using Federation.Idp.Tests.Saml;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Idp.Tests.Bridging;

/// <summary>
/// Our idp with two real upstreams on loopback: a second instance of our own idp acting as the
/// municipality's SAML IdP (the library's IdP side) and as its OpenID Provider (real OpenIddict),
/// each with its own feed server, database and keys; plus a downstream SAML SP (the library's SP
/// side, trusting only our IdP's certificate from our metadata).
/// </summary>
public sealed class BridgingHosts : IAsyncLifetime
{
    public const string SamlUpstream = "kommun-saml";
    public const string OidcUpstream = "kommun-oidc";

    /// <summary>The same upstream SAML IdP under a mapping that takes the subject from an attribute it does not send.</summary>
    public const string MisconfiguredSamlUpstream = "kommun-saml-nin";
    public const string BridgeClientId = "federation-bridge";
    public const string BridgeClientSecret = "bridge-upstream-secret-1234";

    public const string PortalId = "bridge-portal";
    public const string PortalSecret = "bridge-portal-secret-1234";

    /// <summary>What the downstream systems are registered to receive (the feed of our idp).</summary>
    public static readonly string[] PortalRelease = ["given_name", "family_name", "email", "eppn", "roles", "school_units", "acr"];
    public static readonly string[] SpRelease = ["given_name", "family_name", "eppn", "school_units"];

    /// <summary>What the upstream releases to us: more than the downstreams get (affiliation), so exactness shows.</summary>
    private static readonly string[] UpstreamOidcRelease = ["given_name", "family_name", "email", "eppn", "roles", "school_units", "affiliation", "acr"];
    private static readonly string[] UpstreamSamlRelease = ["given_name", "family_name", "email", "eppn", "school_units", "affiliation"];

    private static readonly FeedAccessPolicy Anyone = new([], [], [], "loa2");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "federation-bridging-tests", Guid.NewGuid().ToString("N"));

    public IdpHost Upstream { get; } = new();

    public BridgeIdpHost Idp { get; private set; } = null!;

    /// <summary>The downstream SAML SP (entity <see cref="SamlSpHarness.SpEntityId"/>).</summary>
    public SamlSpHarness Sp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        await Upstream.InitializeAsync();
        using (var http = new HttpClient { BaseAddress = Upstream.BaseAddress })
        {
            await File.WriteAllTextAsync(Path.Combine(_directory, "upstream-idp.xml"), await http.GetStringAsync(SamlEndpoints.MetadataPath));
        }
        Idp = new BridgeIdpHost(Upstream, Path.Combine(_directory, "upstream-idp.xml"));
        await Idp.InitializeAsync();

        // The upstream learns about us as the register would tell it: our OIDC client, our SAML SP and its certificate.
        var ourCertificate = await Idp.Services.GetRequiredService<SamlKeyStore>().GetSigningCertificateAsync();
        await Upstream.PublishAsync(systems => systems.Concat(
        [
            new FeedSystem("federation-bridge-oidc", "Federationen (OIDC)", LifecyclePhase.AnvandningOchSupport, Anyone, UpstreamOidcRelease,
                new FeedOidcClient(BridgeClientId, ClientSecretHash.Create(BridgeClientSecret), [new Uri(Idp.BaseAddress, $"signin-oidc/{OidcUpstream}").AbsoluteUri], [],
                    ["authorization_code"], [])),
            new FeedSystem("federation-bridge-saml", "Federationen (SAML)", LifecyclePhase.AnvandningOchSupport, Anyone, UpstreamSamlRelease,
                SamlSp: new FeedSamlSp(new Uri(Idp.BaseAddress, "saml/sp").AbsoluteUri, new Uri(Idp.BaseAddress, "saml/sp/acs").AbsoluteUri,
                    Convert.ToBase64String(ourCertificate.RawData), null, SamlNames.NameIdPersistent)),
        ]));

        // The downstream SP trusts our IdP by entity ID and the certificate of our published metadata only.
        using var trusted = X509CertificateLoader.LoadCertificate(ourCertificate.RawData);
        Sp = await SamlSpHarness.CreateAsync(_directory, $"Data Source={Path.Combine(_directory, "downstream-sp.db")}",
            upstreamEntityId: new Uri(Idp.BaseAddress, "saml").AbsoluteUri, upstreamCertificate: trusted,
            upstreamSso: new Uri(Idp.BaseAddress, SamlEndpoints.SsoPath.TrimStart('/')));
    }

    public async Task DisposeAsync()
    {
        if (Sp is not null)
        {
            await Sp.DisposeAsync();
        }
        if (Idp is not null)
        {
            await Idp.DisposeAsync();
        }
        await Upstream.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One pair of idps for every bridging test class (they run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class BridgingCollection : ICollectionFixture<BridgingHosts>
{
    public const string Name = "bridging";
}

/// <summary>Our idp, configured with the upstream as a SAML IdP (metadata file) and as an OpenID Provider.</summary>
public sealed class BridgeIdpHost(IdpHost upstream, string upstreamMetadataPath) : IdpHost
{
    private static readonly FeedAccessPolicy Anyone = new([], [], [], "loa2");

    protected override FederationFeed InitialFeed() => new(1, DateTimeOffset.UtcNow,
    [
        new FeedSystem("bridge-portal", "Skolportalen (brygga)", LifecyclePhase.AnvandningOchSupport, Anyone, BridgingHosts.PortalRelease,
            new FeedOidcClient(BridgingHosts.PortalId, ClientSecretHash.Create(BridgingHosts.PortalSecret), [TestSystems.Redirect], [], ["authorization_code"], [])),
        new FeedSystem("bridge-sp", "Schoolsoft (SAML)", LifecyclePhase.AnvandningOchSupport, Anyone, BridgingHosts.SpRelease,
            SamlSp: new FeedSamlSp(SamlSpHarness.SpEntityId, new Uri(SamlSpHarness.Origin, SamlEndpoints.SpAcsPath).AbsoluteUri, null, null,
                SamlNames.NameIdPersistent)),
    ]);

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Saml:Upstreams:0:Name", BridgingHosts.SamlUpstream),
        new("Saml:Upstreams:0:DisplayName", "Kommunens AD FS"),
        new("Saml:Upstreams:0:MetadataPath", upstreamMetadataPath),
        new("Saml:Upstreams:1:Name", BridgingHosts.MisconfiguredSamlUpstream),
        new("Saml:Upstreams:1:DisplayName", "Kommunens AD FS (personnummer)"),
        new("Saml:Upstreams:1:MetadataPath", upstreamMetadataPath),
        new($"Upstreams:Saml:{BridgingHosts.MisconfiguredSamlUpstream}:Subject", "urn:oid:1.3.6.1.4.1.2428.90.1.5"),
        new("Upstreams:Oidc:0:Name", BridgingHosts.OidcUpstream),
        new("Upstreams:Oidc:0:DisplayName", "Kommunens Entra ID"),
        new("Upstreams:Oidc:0:Issuer", upstream.Issuer),
        new("Upstreams:Oidc:0:ClientId", BridgingHosts.BridgeClientId),
        new("Upstreams:Oidc:0:ClientSecret", BridgingHosts.BridgeClientSecret),
    ];
}
