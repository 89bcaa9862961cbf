using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Idp.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Federation.Idp.Keys;

/// <summary>A loaded key: its schedule and the certificate with its private key.</summary>
public sealed record KeyMaterial(string Id, string Use, DateTimeOffset ActivatesAt, DateTimeOffset RetiresAt, DateTimeOffset ExpiresAt, X509Certificate2 Certificate)
{
    private readonly (AsymmetricSecurityKey Key, SigningCredentials? Signing) _parts = Parts(Id, Use, Certificate);

    /// <summary>
    /// RSA keys as X.509 keys (OpenIddict orders those by validity). The EC key as a bare ECDSA key:
    /// IdentityModel signs ES256 only with that, and OpenIddict never prefers a bare key to a valid
    /// X.509 one, so it cannot become its default (ID tokens).
    /// </summary>
    public AsymmetricSecurityKey SecurityKey => _parts.Key;

    /// <summary>For signing keys; one instance per key, so IdentityModel's signature provider cache is hit on every token.</summary>
    public SigningCredentials? SigningCredentials => _parts.Signing;

    private static (AsymmetricSecurityKey, SigningCredentials?) Parts(string id, string use, X509Certificate2 certificate)
    {
        if (use == KeyUse.EcSigning)
        {
            var ec = new ECDsaSecurityKey(certificate.GetECDsaPrivateKey()) { KeyId = id };
            return (ec, new SigningCredentials(ec, SecurityAlgorithms.EcdsaSha256));
        }
        var rsa = new X509SecurityKey(certificate) { KeyId = id };
        return (rsa, use == KeyUse.Signing ? new SigningCredentials(rsa, SecurityAlgorithms.RsaSha256) : null);
    }
}

/// <summary>
/// The idp's keys: RSA for signing (ID tokens, codes, refresh tokens, other audiences' access
/// tokens) and encryption, and ECDSA P-256 for the access tokens of the federation's own resource
/// servers (<see cref="Oidc.AccessTokenSigning"/>). The database is the truth; each replica keeps a snapshot that it reloads
/// every <see cref="KeyRingOptions.RefreshInterval"/>, creating the next key when the current one
/// is due to retire within <see cref="KeyRingOptions.PublishAhead"/>. OpenIddict receives every
/// published key as an X.509 key whose NotBefore is the activation time: OpenIddict never signs
/// with a certificate that is not yet valid and prefers the one that expires last, so every
/// replica picks the same signing key without coordination.
/// </summary>
public sealed class KeyRing(
    IServiceScopeFactory scopes,
    IDataProtectionProvider dataProtection,
    IOptions<KeyRingOptions> options,
    IOptionsMonitorCache<OpenIddictServerOptions> serverOptionsCache,
    TimeProvider time,
    ILogger<KeyRing> logger)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Federation.Idp.KeyRing.v1");
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private volatile IReadOnlyList<KeyMaterial> _keys = [];

    /// <summary>Every published key (signing and encryption), as last loaded.</summary>
    public IReadOnlyList<KeyMaterial> Keys => _keys;

    /// <summary>The key that signs now: active, and of those the one that expires last (as OpenIddict chooses).</summary>
    public KeyMaterial CurrentSigningKey => Current(KeyUse.Signing);

    /// <summary>The signing certificate for protocols that publish one (SAML metadata).</summary>
    public X509Certificate2 CurrentSigningCertificate => CurrentSigningKey.Certificate;

    public KeyMaterial CurrentEncryptionKey => Current(KeyUse.Encryption);

    /// <summary>The EC key that signs now (ES256), chosen by the same rule.</summary>
    public KeyMaterial CurrentEcSigningKey => Current(KeyUse.EcSigning);

    private KeyMaterial Current(string use)
    {
        var now = time.GetUtcNow();
        return _keys.Where(k => k.Use == use && k.ActivatesAt <= now && now < k.ExpiresAt)
                   .OrderByDescending(k => k.ExpiresAt)
                   .FirstOrDefault()
               ?? throw new InvalidOperationException($"The key ring has no active '{use}' key; was it loaded?");
    }

    /// <summary>Loads the ring, creates what is due, drops what has expired, and hands the result to OpenIddict.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            var now = time.GetUtcNow();
            // Few rows: filter in memory (SQLite cannot compare DateTimeOffset in SQL).
            var stored = await db.KeyRing.ToListAsync(cancellationToken);

            foreach (var expired in stored.Where(k => k.ExpiresAt <= now).ToList())
            {
                db.KeyRing.Remove(expired);
                stored.Remove(expired);
                logger.LogInformation("Key {KeyId} ({Use}) expired and was removed from the key ring", expired.Id, expired.Use);
            }

            foreach (var use in KeyUse.All)
            {
                var latest = stored.Where(k => k.Use == use).MaxBy(k => k.RetiresAt);
                if (latest is null || latest.RetiresAt <= now)
                {
                    stored.Add(db.KeyRing.Add(CreateKey(use, activatesAt: now, now)).Entity);
                }
                else if (latest.RetiresAt - options.Value.PublishAhead <= now)
                {
                    // Published now, signs only when the current one retires.
                    stored.Add(db.KeyRing.Add(CreateKey(use, activatesAt: latest.RetiresAt, now)).Entity);
                }
            }

            await db.SaveChangesAsync(cancellationToken);

            // Keys already loaded are reused: a request may be signing with them right now.
            var loaded = _keys.ToDictionary(k => k.Id, StringComparer.Ordinal);
            _keys = stored.Select(k => loaded.GetValueOrDefault(k.Id) ?? Load(k)).ToList();
            // OpenIddict sorts keys by validity when it builds its options: rebuild them.
            serverOptionsCache.TryRemove(Options.DefaultName);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>Adds the published keys to OpenIddict (called whenever its options are rebuilt).</summary>
    public void Configure(OpenIddictServerOptions server)
    {
        foreach (var key in _keys)
        {
            if (key.SigningCredentials is { } signing)
            {
                // EC keys too: OpenIddict then lists them in JWKS and accepts them on its own tokens
                // (userinfo, introspection); which token they sign is AccessTokenSigning's choice.
                server.SigningCredentials.Add(signing);
            }
            else
            {
                server.EncryptionCredentials.Add(new EncryptingCredentials(
                    key.SecurityKey, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
            }
        }
    }

    private StoredKey CreateKey(string use, DateTimeOffset activatesAt, DateTimeOffset now)
    {
        var o = options.Value;
        var retiresAt = activatesAt + o.ActiveFor;
        var expiresAt = retiresAt + o.RetainAfterRetirement;
        var id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));

        using AsymmetricAlgorithm algorithm = use == KeyUse.EcSigning ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(o.RsaKeySize);
        var subject = $"CN=federation-idp {use} {id}";
        var request = algorithm is ECDsa ecdsa
            ? new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256)
            : new CertificateRequest(subject, (RSA)algorithm, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            use == KeyUse.Encryption ? X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature, critical: true));
        // The certificate's validity is the schedule: OpenIddict reads it to choose the signing key.
        using var certificate = request.CreateSelfSigned(activatesAt, expiresAt);
        var pkcs12 = certificate.Export(X509ContentType.Pkcs12);

        logger.LogInformation("Created {Use} key {KeyId}, active {ActivatesAt:u} to {RetiresAt:u}, published until {ExpiresAt:u}",
            use, id, activatesAt, retiresAt, expiresAt);
        return new StoredKey
        {
            Id = id,
            Use = use,
            CreatedAt = now,
            ActivatesAt = activatesAt,
            RetiresAt = retiresAt,
            ExpiresAt = expiresAt,
            ProtectedPkcs12 = _protector.Protect(pkcs12),
        };
    }

    private KeyMaterial Load(StoredKey key)
    {
        var certificate = X509CertificateLoader.LoadPkcs12(
            _protector.Unprotect(key.ProtectedPkcs12), password: null, X509KeyStorageFlags.EphemeralKeySet);
        return new KeyMaterial(key.Id, key.Use, key.ActivatesAt, key.RetiresAt, key.ExpiresAt, certificate);
    }
}

/// <summary>Reloads the ring on every replica on a schedule.</summary>
public sealed class KeyRingRefresher(KeyRing ring, IOptions<KeyRingOptions> options, TimeProvider time, ILogger<KeyRingRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ring.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The loaded keys keep working; the next tick tries again.
                logger.LogError(ex, "Refreshing the key ring failed");
            }
        }
    }
}
