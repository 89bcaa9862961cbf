using System.Net;
using System.Security.Cryptography;
using System.Text;
using Federation.Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Gateway.Tests.Identity;

/// <summary>
/// Bearer tokens: the idp's ES256 access tokens for the gateway are taken (the EC key from JWKS
/// over HTTP); a P-256 key that is not in JWKS, <c>alg: none</c>, and an HMAC keyed with a public
/// key are refused before any backend sees the request.
/// </summary>
public sealed class BearerAlgorithmTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    private string Teacher(SigningCredentials credentials) => rig.Issuer.Mint("anna.larare", roles: ["larare"], credentials: credentials);

    [Fact]
    public async Task An_ES256_token_signed_with_the_published_EC_key_reaches_the_backend()
    {
        using var client = rig.Client(Teacher(new SigningCredentials(rig.Issuer.EcKey, SecurityAlgorithms.EcdsaSha256)));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/larare/")).StatusCode);
    }

    public static TheoryData<string> Forgeries => ["foreign EC key, published kid", "foreign EC key, no kid", "alg none", "HS256 keyed with the EC public key", "HS256 keyed with the RSA public key"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_token_is_refused_with_problem_details(string forgery)
    {
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var credentials = forgery switch
        {
            "foreign EC key, published kid" => new SigningCredentials(new ECDsaSecurityKey(foreign) { KeyId = rig.Issuer.EcKey.KeyId }, SecurityAlgorithms.EcdsaSha256),
            "foreign EC key, no kid" => new SigningCredentials(new ECDsaSecurityKey(foreign), SecurityAlgorithms.EcdsaSha256),
            "alg none" => TokenIssuer.NoSignature,
            "HS256 keyed with the EC public key" => PublicKeyAsHmac(rig.Issuer.EcKey.ECDsa.ExportSubjectPublicKeyInfoPem(), rig.Issuer.EcKey.KeyId),
            "HS256 keyed with the RSA public key" => PublicKeyAsHmac(rig.Issuer.Key.Rsa.ExportSubjectPublicKeyInfoPem(), rig.Issuer.Key.KeyId),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };
        using var client = rig.Client(Teacher(credentials));
        var before = rig.BackendA.Requests;

        var response = await client.GetAsync("/larare/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, rig.BackendA.Requests);
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
        using var client = rig.Client(Teacher(new SigningCredentials(rig.Issuer.Key, algorithm)));

        var response = await client.GetAsync("/larare/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Algorithm confusion: the public key (which anyone can read in JWKS) as an HMAC secret, under the real kid.</summary>
    private static SigningCredentials PublicKeyAsHmac(string pem, string kid) =>
        new(new SymmetricSecurityKey(Encoding.ASCII.GetBytes(pem)) { KeyId = kid }, SecurityAlgorithms.HmacSha256);
}
