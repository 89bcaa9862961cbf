using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Gateway.Tests.Infrastructure;

/// <summary>
/// The idp's token side for the gateway (<see cref="TokenIssuer"/>): access tokens (RFC 9068,
/// <c>typ: at+jwt</c>) with the claims the gateway's policy reads, for its audience, and the
/// per-system token exchange the gateway asks for.
/// </summary>
internal sealed class TestTokenIssuer : IAsyncDisposable
{
    /// <summary>The gateway's client secret in <see cref="GatewayRig"/>.</summary>
    public const string ClientSecret = "test-client-secret";

    private readonly TokenIssuer _issuer;

    private TestTokenIssuer(TokenIssuer issuer) => _issuer = issuer;

    /// <summary>The issuer, with a trailing slash like the idp's.</summary>
    public string Issuer => _issuer.Issuer;

    public static async Task<TestTokenIssuer> StartAsync() => new(await TokenIssuer.StartAsync(MapTokenExchange));

    // The idp's per-system token for a session (RFC 8693), as far as the gateway can tell: the
    // subject is a token of this issuer (the tests' sessions keep one as their refresh token),
    // the answer is the same person for the requested audience. The release filter is the
    // real idp's business (Idp.Tests, BackendTokensTests); the gateway filters again anyway.
    private static void MapTokenExchange(WebApplication app, TokenIssuer issuer) =>
        app.MapPost("/connect/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var subject = await new JsonWebTokenHandler().ValidateTokenAsync(form["subject_token"].ToString(), new TokenValidationParameters
            {
                ValidIssuer = issuer.Issuer,
                IssuerSigningKey = issuer.Key,
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
                access_token = Mint(issuer, (string)person["sub"], audiences: [form["audience"].ToString()], extra: person),
                token_type = "Bearer",
                expires_in = 600,
            });
        });

    /// <summary>An access token for a demo user.</summary>
    public string Mint(
        string subject,
        string[]? roles = null,
        string acr = "loa2",
        string[]? schoolUnits = null,
        string[]? groups = null,
        string[]? audiences = null,
        IDictionary<string, object>? extra = null,
        string type = "at+jwt",
        SigningCredentials? credentials = null) =>
        Mint(_issuer, subject, roles, acr, schoolUnits, groups, audiences, extra, type, credentials);

    /// <summary>The EC key the JWKS publishes, for ES256 tokens as the idp signs the gateway's.</summary>
    public ECDsaSecurityKey EcKey => _issuer.EcKey;

    /// <summary>The RSA key the JWKS publishes.</summary>
    public RsaSecurityKey Key => _issuer.Key;

    private static string Mint(
        TokenIssuer issuer,
        string subject,
        string[]? roles = null,
        string acr = "loa2",
        string[]? schoolUnits = null,
        string[]? groups = null,
        string[]? audiences = null,
        IDictionary<string, object>? extra = null,
        string type = "at+jwt",
        SigningCredentials? credentials = null)
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
        return issuer.CreateToken(claims, type, expires: DateTime.UtcNow.AddMinutes(10), credentials: credentials);
    }

    public ValueTask DisposeAsync() => _issuer.DisposeAsync();
}
