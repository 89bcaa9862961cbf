using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federation.Idp.Tests.Saml;

/// <summary>Keys made for the tests: the upstream IdP's, an attacker's, a downstream SP's.</summary>
public static class TestKeys
{
    private static readonly Lazy<X509Certificate2> UpstreamLazy = new(() => Create("CN=Test upstream IdP", 2048));
    private static readonly Lazy<X509Certificate2> AttackerLazy = new(() => Create("CN=Test upstream IdP", 2048));
    private static readonly Lazy<X509Certificate2> SpLazy = new(() => Create("CN=Test downstream SP", 2048));
    private static readonly Lazy<X509Certificate2> WeakLazy = new(() => Create("CN=Weak", 1024));

    /// <summary>The upstream IdP's signing certificate, as its metadata publishes it.</summary>
    public static X509Certificate2 Upstream => UpstreamLazy.Value;

    /// <summary>Same subject name as the upstream, different key: what an attacker can make.</summary>
    public static X509Certificate2 Attacker => AttackerLazy.Value;

    public static X509Certificate2 DownstreamSp => SpLazy.Value;

    public static X509Certificate2 Weak => WeakLazy.Value;

    public static X509Certificate2 Create(string subject, int bits)
    {
        using var rsa = RSA.Create(bits);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(5));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.EphemeralKeySet);
    }

    public static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem();
}
