using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Inventory.Tests.Support;

/// <summary>
/// A stand-in for the idp until it exists: a real HTTP issuer on 127.0.0.1 with an OpenID
/// discovery document and a JWKS holding a test RSA key, and RFC 9068 access tokens signed
/// with it. The register finds the key the way it will find the idp's.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private static readonly Lazy<Task<TestIssuer>> SharedIssuer = new(StartAsync);

    private readonly WebApplication app;
    private readonly RsaSecurityKey key;

    private TestIssuer(WebApplication app, RsaSecurityKey key, string authority)
    {
        this.app = app;
        this.key = key;
        Authority = authority;
    }

    /// <summary>One issuer for the whole test run.</summary>
    public static Task<TestIssuer> Shared => SharedIssuer.Value;

    /// <summary>Issuer URL with trailing slash, as the idp's.</summary>
    public string Authority { get; }

    public const string Audience = "federation-inventory";

    public static async Task<TestIssuer> StartAsync()
    {
        var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "test-key-1" };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
        string? authority = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(
            JsonSerializer.Serialize(new { issuer = authority, jwks_uri = authority + "jwks" }), "application/json"));
        app.MapGet("/jwks", () => Results.Text(jwks, "application/json"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        authority = address.TrimEnd('/') + "/";
        return new TestIssuer(app, key, authority);
    }

    /// <summary>An access token (typ at+jwt) for the register's audience.</summary>
    public string Mint(string subject, string[]? roles = null, string? scope = null, string? clientId = null,
        string type = "at+jwt", string audience = Audience, RsaSecurityKey? signingKey = null, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["preferred_username"] = subject };
        if (roles is not null) claims["roles"] = roles;
        if (scope is not null) claims["scope"] = scope;
        if (clientId is not null) claims["client_id"] = clientId;
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = expires ?? now.AddHours(1),
            TokenType = type,
            SigningCredentials = new SigningCredentials(signingKey ?? key, SecurityAlgorithms.RsaSha256),
        });
    }

    public string Admin() => Mint("ulf.admin", roles: ["register-admin"]);

    public string Teacher() => Mint("anna.larare", roles: ["larare"]);

    public string FeedReader() => Mint("federation-gateway", scope: "openid federation.feed", clientId: "federation-gateway");

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
