using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Federation.Core.Secrets;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Federation.Idp.Clients;

/// <summary>
/// Remembers client secrets that already passed OpenIddict's PBKDF2 check, so a client that
/// asks for a token many times a second does not pay tens of milliseconds of key stretching each
/// time (the benchmark found this the dominant cost). Secrets stay PBKDF2-hashed in the database;
/// memory holds only an HMAC, under a key that never leaves the process, of (stored hash, secret).
/// A changed secret changes the stored hash, so an old entry can never match again. Wrong
/// secrets are never remembered and always pay the full price.
/// </summary>
public sealed class VerifiedClientSecrets
{
    private const int Capacity = 10_000;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, byte> _verified = new(StringComparer.Ordinal);

    public string Fingerprint(string comparand, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(comparand + "\n" + secret)));

    public bool Contains(string fingerprint) => _verified.ContainsKey(fingerprint);

    public void Add(string fingerprint)
    {
        if (_verified.Count >= Capacity)
        {
            _verified.Clear();
        }
        _verified.TryAdd(fingerprint, 0);
    }
}

/// <summary>
/// OpenIddict's application manager, keeping client secrets as the register hashed them: the
/// idp never sees a client's secret until the client presents it. The hash is stored as it
/// comes from the feed and checked with <see cref="ClientSecretHash"/>, with
/// <see cref="VerifiedClientSecrets"/> in front of the PBKDF2 check.
/// </summary>
public sealed class FederationApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    VerifiedClientSecrets verified)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store)
    where TApplication : class
{
    /// <summary>A secret reaches the store only as the register's hash; anything else is refused.</summary>
    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default) =>
        ClientSecretHash.IsWellFormed(secret)
            ? ValueTask.FromResult(secret)
            : throw new InvalidOperationException("A client secret must come from the register as a hash (pbkdf2-sha256), never in clear.");

    protected override async ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        var fingerprint = verified.Fingerprint(comparand, secret);
        if (verified.Contains(fingerprint))
        {
            return true;
        }
        var valid = ClientSecretHash.Verify(secret, comparand);
        if (valid)
        {
            verified.Add(fingerprint);
        }
        return valid;
    }
}
