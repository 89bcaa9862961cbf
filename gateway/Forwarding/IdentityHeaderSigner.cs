using System.Security.Cryptography;
using System.Text;

namespace Federation.Gateway.Forwarding;

/// <summary>Signs one request's identity headers with a backend's shared key (HMAC-SHA256).</summary>
public sealed class IdentityHeaderSigner
{
    /// <summary>Shorter keys are guessable; the gateway refuses them at start.</summary>
    public const int MinimumKeyLength = 32;

    private readonly byte[] _key;

    public IdentityHeaderSigner(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"A signing key needs at least {MinimumKeyLength} characters.", nameof(key));
        }
        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>A fresh nonce for <see cref="FederationHeaders.Nonce"/>: 128 random bits, base64url.</summary>
    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The value of <see cref="FederationHeaders.Signature"/> for a request with this method and
    /// target (path and query as sent) and these headers (system, timestamp and nonce included).
    /// </summary>
    public string Sign(string method, string target, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(FederationHeaders.Canonicalize(method, target, headers)));
        return FederationHeaders.SignatureScheme + Convert.ToBase64String(mac);
    }

    internal bool Matches(string method, string target, IEnumerable<KeyValuePair<string, string>> headers, string signature)
    {
        if (!signature.StartsWith(FederationHeaders.SignatureScheme, StringComparison.Ordinal))
        {
            return false;
        }
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(signature[FederationHeaders.SignatureScheme.Length..], given, out var written)
            || written != HMACSHA256.HashSizeInBytes)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(FederationHeaders.Canonicalize(method, target, headers)));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
