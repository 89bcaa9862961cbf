using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Federation.Gateway.Forwarding;

/// <summary>Signs one request's identity headers with a backend's shared key (HMAC-SHA256).</summary>
public sealed class IdentityHeaderSigner
{
    /// <summary>Shorter keys are guessable; the gateway refuses them at start.</summary>
    public const int MinimumKeyLength = 32;

    private readonly byte[] _key;

    // One HMAC context per thread, reset after each use: a one-shot HMAC sets up the algorithm and
    // the key in OpenSSL again on every call, several microseconds on every proxied request.
    private readonly ThreadLocal<IncrementalHash> _hmac;

    public IdentityHeaderSigner(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"A signing key needs at least {MinimumKeyLength} characters.", nameof(key));
        }
        _key = Encoding.UTF8.GetBytes(key);
        _hmac = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key));
    }

    /// <summary>A fresh nonce for <see cref="FederationHeaders.Nonce"/>: 128 random bits, base64url.</summary>
    public static string NewNonce()
    {
        Span<byte> nonce = stackalloc byte[16];
        RandomNumberGenerator.Fill(nonce);
        return Base64Url.EncodeToString(nonce);
    }

    /// <summary>
    /// The value of <see cref="FederationHeaders.Signature"/> for a request with this method and
    /// target (path and query as sent) and these headers (system, timestamp and nonce included).
    /// </summary>
    public string Sign(string method, string target, IEnumerable<KeyValuePair<string, string>> headers)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(method, target, headers, mac);
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
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(method, target, headers, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>HMAC-SHA256 of the canonical bytes, written into this thread's reused buffer.</summary>
    private void Mac(string method, string target, IEnumerable<KeyValuePair<string, string>> headers, Span<byte> mac)
    {
        // Taken off the thread while in use: the headers are read while it is written, and a
        // sequence that signs something else on this thread meanwhile gets a buffer of its own.
        var canonical = t_canonical ?? new ArrayBufferWriter<byte>(1024);
        t_canonical = null;
        canonical.ResetWrittenCount();
        FederationHeaders.WriteCanonical(canonical, method, target, headers);
        var hmac = _hmac.Value!;
        try
        {
            hmac.AppendData(canonical.WrittenSpan);
            hmac.GetHashAndReset(mac);
        }
        catch
        {
            // Never leave a half-fed context for this thread's next signature.
            _hmac.Value = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
            throw;
        }
        finally
        {
            if (canonical.Capacity <= 16 * 1024)
            {
                t_canonical = canonical; // an unusually large request does not keep its buffer on the thread
            }
        }
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_canonical;
}
