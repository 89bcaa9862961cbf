using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Gateway.Tests.Infrastructure;

/// <summary>
/// Stands in for the idp's token side only: discovery and a JWKS on loopback, and access tokens
/// (RFC 9068, <c>typ: at+jwt</c>) signed with a test RSA key. The gateway validates them with
/// its real JwtBearer handler, fetching the keys over HTTP.
/// </summary>
internal sealed class TestTokenIssuer : IAsyncDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private WebApplication _app = null!;

    /// <summary>The gateway's client secret in <see cref="GatewayRig"/>.</summary>
    public const string ClientSecret = "test-client-secret";

    private TestTokenIssuer() => _key = new RsaSecurityKey(_rsa) { KeyId = "test-key-1" };

    /// <summary>The issuer, with a trailing slash like the idp's.</summary>
    public string Issuer { get; private set; } = "";

    public static async Task<TestTokenIssuer> StartAsync()
    {
        var issuer = new TestTokenIssuer();
        var app = Loopback.CreateApp();
        app.MapGet("/.well-known/openid-configuration", () => TypedResults.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer.Issuer,
            ["jwks_uri"] = issuer.Issuer + "jwks",
            ["authorization_endpoint"] = issuer.Issuer + "connect/authorize",
            ["token_endpoint"] = issuer.Issuer + "connect/token",
            ["end_session_endpoint"] = issuer.Issuer + "connect/logout",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var parameters = issuer._rsa.ExportParameters(false);
            return TypedResults.Json(new
            {
                keys = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["alg"] = "RS256",
                        ["kid"] = issuer._key.KeyId,
                        ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                        ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    },
                },
            });
        });
        // The idp's per-system token for a session (RFC 8693), as far as the gateway can tell: the
        // subject is a token of this issuer (the tests' sessions keep one as their refresh token),
        // the answer is the same person for the requested audience. The release filter is the
        // real idp's business (Idp.Tests, BackendTokensTests); the gateway filters again anyway.
        app.MapPost("/connect/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var subject = await new JsonWebTokenHandler().ValidateTokenAsync(form["subject_token"].ToString(), new TokenValidationParameters
            {
                ValidIssuer = issuer.Issuer,
                IssuerSigningKey = issuer._key,
                ValidateAudience = false,
            });
            if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:token-exchange" || form["client_secret"] != ClientSecret
                || !subject.IsValid || string.IsNullOrEmpty(form["audience"]))
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            var person = ((JsonWebToken)subject.SecurityToken).Claims
                .Where(c => c.Type is not ("iss" or "aud" or "exp" or "iat" or "nbf"))
                .GroupBy(c => c.Type)
                .ToDictionary(g => g.Key, g => g.Key is "roles" or "school_units" or "groups" ? (object)g.Select(c => c.Value).ToArray() : g.First().Value);
            return Results.Json(new
            {
                access_token = issuer.Mint((string)person["sub"], audiences: [form["audience"].ToString()], extra: person),
                token_type = "Bearer",
                expires_in = 600,
            });
        });
        await app.StartAsync();
        issuer._app = app;
        issuer.Issuer = Loopback.AddressOf(app).ToString();
        return issuer;
    }

    /// <summary>An access token for a demo user.</summary>
    public string Mint(
        string subject,
        string[]? roles = null,
        string acr = "loa2",
        string[]? schoolUnits = null,
        string[]? groups = null,
        string[]? audiences = null,
        IDictionary<string, object>? extra = null,
        string type = "at+jwt")
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["roles"] = roles ?? [],
            ["acr"] = acr,
            ["school_units"] = schoolUnits ?? [],
            ["groups"] = groups ?? [],
            ["scope"] = "openid profile",
            ["aud"] = audiences ?? ["federation-gateway"],
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, object>())
        {
            claims[name] = value;
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Claims = claims,
            TokenType = type,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
