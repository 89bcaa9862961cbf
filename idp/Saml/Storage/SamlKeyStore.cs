using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml.Storage;

/// <summary>
/// The idp's SAML keys: a signing certificate, an encryption certificate (upstream IdPs encrypt
/// assertions to it) and the secret behind pairwise NameIDs. Generated on first use, stored in the
/// database protected by data protection, so every replica uses the same keys.
/// </summary>
public sealed class SamlKeyStore(IServiceScopeFactory scopes, IDataProtectionProvider dataProtection, TimeProvider time, IOptions<SamlOptions> options)
{
    private const string SigningName = "signing";
    private const string EncryptionName = "encryption";
    private const string PairwiseName = "pairwise-secret";

    private readonly IDataProtector protector = dataProtection.CreateProtector("Federation.Idp.Saml.KeyMaterial");
    private readonly SemaphoreSlim gate = new(1, 1);
    private X509Certificate2? signing;
    private X509Certificate2? encryption;
    private byte[]? pairwiseSecret;

    public async ValueTask<X509Certificate2> GetSigningCertificateAsync(CancellationToken cancellationToken = default) =>
        signing ??= await LoadCertificateAsync(SigningName, X509KeyUsageFlags.DigitalSignature, cancellationToken);

    public async ValueTask<X509Certificate2> GetEncryptionCertificateAsync(CancellationToken cancellationToken = default) =>
        encryption ??= await LoadCertificateAsync(EncryptionName, X509KeyUsageFlags.KeyEncipherment, cancellationToken);

    public async ValueTask<byte[]> GetPairwiseSecretAsync(CancellationToken cancellationToken = default) =>
        pairwiseSecret ??= await GetOrCreateAsync(PairwiseName, () => RandomNumberGenerator.GetBytes(32), cancellationToken);

    private async Task<X509Certificate2> LoadCertificateAsync(string name, X509KeyUsageFlags usage, CancellationToken cancellationToken)
    {
        var pfx = await GetOrCreateAsync(name, () => CreateCertificate(name, usage), cancellationToken);
        return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.EphemeralKeySet);
    }

    private byte[] CreateCertificate(string name, X509KeyUsageFlags usage)
    {
        using var rsa = RSA.Create(options.Value.GeneratedKeySize);
        var request = new CertificateRequest($"CN=Federation idp SAML {name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return certificate.Export(X509ContentType.Pkcs12);
    }

    private async Task<byte[]> GetOrCreateAsync(string name, Func<byte[]> create, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<SamlDbContext>();
            var row = await db.KeyMaterial.AsNoTracking().FirstOrDefaultAsync(k => k.Name == name, cancellationToken);
            if (row is null)
            {
                db.KeyMaterial.Add(new SamlKeyMaterial
                {
                    Name = name,
                    Protected = protector.Protect(create()),
                    CreatedAtUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
                });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another replica created it at the same moment: use theirs.
                    db.ChangeTracker.Clear();
                }
                row = await db.KeyMaterial.AsNoTracking().FirstAsync(k => k.Name == name, cancellationToken);
            }
            return protector.Unprotect(row.Protected);
        }
        finally
        {
            gate.Release();
        }
    }
}
