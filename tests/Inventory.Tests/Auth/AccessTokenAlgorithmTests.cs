using System.Net;
using System.Security.Cryptography;
using System.Text;
using Federation.Inventory.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Inventory.Tests.Auth;

/// <summary>
/// The register takes the idp's ES256 access tokens (its key from JWKS over HTTP) and only those:
/// a P-256 key that is not in JWKS, <c>alg: none</c>, and an HMAC keyed with a public key are refused.
/// </summary>
public sealed class AccessTokenAlgorithmTests(SqliteInventory host) : IClassFixture<SqliteInventory>
{
    private const string Feed = "/api/federation/feed";

    private string FeedToken(SigningCredentials credentials) =>
        host.Issuer.Mint("federation-idp", scope: "federation.feed", clientId: "federation-idp", credentials: credentials);

    [Fact]
    public async Task An_ES256_token_signed_with_the_published_EC_key_reads_the_feed()
    {
        var token = FeedToken(new SigningCredentials(host.Issuer.EcKey, SecurityAlgorithms.EcdsaSha256));

        Assert.Equal(HttpStatusCode.OK, (await host.WithToken(token).GetAsync(Feed)).StatusCode);
    }

    public static TheoryData<string> Forgeries => ["foreign EC key, published kid", "foreign EC key, no kid", "alg none", "HS256 keyed with the EC public key", "HS256 keyed with the RSA public key"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_token_is_refused_with_problem_details(string forgery)
    {
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var credentials = forgery switch
        {
            "foreign EC key, published kid" => new SigningCredentials(new ECDsaSecurityKey(foreign) { KeyId = host.Issuer.EcKey.KeyId }, SecurityAlgorithms.EcdsaSha256),
            "foreign EC key, no kid" => new SigningCredentials(new ECDsaSecurityKey(foreign), SecurityAlgorithms.EcdsaSha256),
            "alg none" => TokenIssuer.NoSignature,
            "HS256 keyed with the EC public key" => PublicKeyAsHmac(host.Issuer.EcKey.ECDsa.ExportSubjectPublicKeyInfoPem(), host.Issuer.EcKey.KeyId),
            "HS256 keyed with the RSA public key" => PublicKeyAsHmac(host.Issuer.Key.Rsa.ExportSubjectPublicKeyInfoPem(), host.Issuer.Key.KeyId),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };

        var response = await host.WithToken(FeedToken(credentials)).GetAsync(Feed);

        await response.Problem(HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// Even the published keys count only with the algorithms the idp signs with: a library that
    /// would take another one (RS512, PS256 with the RSA key) is not asked to.
    /// </summary>
    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha512)]
    [InlineData(SecurityAlgorithms.RsaSsaPssSha256)]
    public async Task Another_algorithm_with_the_published_RSA_key_is_refused(string algorithm)
    {
        var response = await host.WithToken(FeedToken(new SigningCredentials(host.Issuer.Key, algorithm))).GetAsync(Feed);

        await response.Problem(HttpStatusCode.Unauthorized);
    }

    /// <summary>Algorithm confusion: the public key (which anyone can read in JWKS) as an HMAC secret, under the real kid.</summary>
    private static SigningCredentials PublicKeyAsHmac(string pem, string kid) =>
        new(new SymmetricSecurityKey(Encoding.ASCII.GetBytes(pem)) { KeyId = kid }, SecurityAlgorithms.HmacSha256);
}
