using Microsoft.IdentityModel.Tokens;

namespace Federation.Inventory.Tests.Support;

/// <summary>
/// The idp's token side for the register (<see cref="TokenIssuer"/>): access tokens for the
/// register's audience with the roles, scopes and client ids its API checks. The register finds
/// the key over HTTP the way it finds the idp's.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private static readonly Lazy<Task<TestIssuer>> SharedIssuer = new(StartAsync);

    private readonly TokenIssuer issuer;

    private TestIssuer(TokenIssuer issuer) => this.issuer = issuer;

    /// <summary>One issuer for the whole test run.</summary>
    public static Task<TestIssuer> Shared => SharedIssuer.Value;

    /// <summary>Issuer URL with trailing slash, as the idp's.</summary>
    public string Authority => issuer.Issuer;

    public const string Audience = "federation-inventory";

    public static async Task<TestIssuer> StartAsync() => new(await TokenIssuer.StartAsync());

    /// <summary>An access token (typ at+jwt) for the register's audience.</summary>
    public string Mint(string subject, string[]? roles = null, string? scope = null, string? clientId = null,
        string type = "at+jwt", string audience = Audience, RsaSecurityKey? signingKey = null, DateTime? expires = null, string? eppn = null,
        SigningCredentials? credentials = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["preferred_username"] = subject };
        if (eppn is not null) claims["eppn"] = eppn;
        if (roles is not null) claims["roles"] = roles;
        if (scope is not null) claims["scope"] = scope;
        if (clientId is not null) claims["client_id"] = clientId;
        return issuer.CreateToken(claims, type, audience, expires, signingKey, credentials);
    }

    /// <summary>The EC key the JWKS publishes, for ES256 tokens as the idp signs the register's.</summary>
    public ECDsaSecurityKey EcKey => issuer.EcKey;

    /// <summary>The RSA key the JWKS publishes.</summary>
    public RsaSecurityKey Key => issuer.Key;

    public string Admin() => Mint("ulf.admin", roles: ["register-admin"]);

    /// <summary>The demo system owner of procapita and schoolsoft (named in their ownerAccounts by eppn), as the idp issues him.</summary>
    public string Owner() => Mint("olle.systemagare", roles: ["systemagare"], eppn: "olle.systemagare@skola.example.se");

    /// <summary>The data protection officer: reads everything, changes nothing.</summary>
    public string DataProtectionOfficer() => Mint("dana.dataskydd", roles: ["dataskyddsombud"], eppn: "dana.dataskydd@skola.example.se");

    public string Teacher() => Mint("anna.larare", roles: ["larare"]);

    public string FeedReader() => Mint("federation-gateway", scope: "openid federation.feed", clientId: "federation-gateway");

    public ValueTask DisposeAsync() => issuer.DisposeAsync();
}
