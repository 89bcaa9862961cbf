using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Testing;

/// <summary>
/// The idp's token side only, on 127.0.0.1: an OpenID discovery document and a JWKS with a test
/// RSA key and a test EC P-256 key (as the idp publishes both), and JWTs signed with either. Services validate them with their real JwtBearer handler,
/// fetching the keys over HTTP as they do from the idp. The claims a service expects are the
/// test project's business (see its TestIssuer / TestTokenIssuer).
/// </summary>
public sealed class TokenIssuer : IAsyncDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private WebApplication _app = null!;

    private TokenIssuer()
    {
        Key = new RsaSecurityKey(_rsa) { KeyId = "test-key-1" };
        EcKey = new ECDsaSecurityKey(_ec) { KeyId = "test-ec-key-1" };
    }

    /// <summary>The RSA key the JWKS publishes (RS256).</summary>
    public RsaSecurityKey Key { get; }

    /// <summary>The EC P-256 key the JWKS publishes (ES256), as the idp's for the federation's own servers.</summary>
    public ECDsaSecurityKey EcKey { get; }

    /// <summary>The issuer, with a trailing slash like the idp's.</summary>
    public string Issuer { get; private set; } = "";

    /// <param name="endpoints">More endpoints a test project's stand-in needs (e.g. the gateway's token exchange), mapped before start.</param>
    public static async Task<TokenIssuer> StartAsync(Action<WebApplication, TokenIssuer>? endpoints = null)
    {
        var issuer = new TokenIssuer();
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
            var ec = issuer._ec.ExportParameters(false);
            return TypedResults.Json(new
            {
                keys = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["alg"] = "RS256",
                        ["kid"] = issuer.Key.KeyId,
                        ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                        ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    },
                    new Dictionary<string, string>
                    {
                        ["kty"] = "EC",
                        ["use"] = "sig",
                        ["alg"] = "ES256",
                        ["kid"] = issuer.EcKey.KeyId,
                        ["crv"] = "P-256",
                        ["x"] = Base64UrlEncoder.Encode(ec.Q.X),
                        ["y"] = Base64UrlEncoder.Encode(ec.Q.Y),
                    },
                },
            });
        });
        endpoints?.Invoke(app, issuer);
        await app.StartAsync();
        issuer._app = app;
        issuer.Issuer = Loopback.AddressOf(app).AbsoluteUri;
        return issuer;
    }

    /// <summary>
    /// A signed JWT with <paramref name="claims"/>; by default an RFC 9068 access token valid for an
    /// hour, RS256 with <see cref="Key"/>. <paramref name="credentials"/> signs it otherwise (ES256,
    /// a forger's key); <see cref="NoSignature"/> for none at all.
    /// </summary>
    public string CreateToken(IDictionary<string, object> claims, string type = "at+jwt", string? audience = null,
        DateTime? expires = null, RsaSecurityKey? signingKey = null, SigningCredentials? credentials = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = expires ?? now.AddHours(1),
            TokenType = type,
            SigningCredentials = credentials == NoSignature ? null : credentials ?? new SigningCredentials(signingKey ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>Pass as credentials for a token with <c>alg: none</c> and no signature.</summary>
    public static readonly SigningCredentials NoSignature = new(new SymmetricSecurityKey(new byte[32]), "none");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _rsa.Dispose();
        _ec.Dispose();
    }
}
