using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Federation.Gateway.Forwarding;

/// <summary>What a backend learns from the gateway's headers.</summary>
/// <param name="IsValid">True only if the signature matched, the timestamp was fresh and the nonce new.</param>
/// <param name="Failure">Why not, in words, when <paramref name="IsValid"/> is false.</param>
/// <param name="System">The system id the gateway signed for.</param>
/// <param name="Attributes">Released attributes by register name (e.g. <c>given_name</c>).</param>
/// <param name="SignedAt">The signed timestamp.</param>
public sealed record VerifiedIdentity(
    bool IsValid,
    string? Failure,
    string? System,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes,
    DateTimeOffset? SignedAt)
{
    public static VerifiedIdentity Invalid(string failure) =>
        new(false, failure, null, new Dictionary<string, IReadOnlyList<string>>(), null);
}

/// <summary>
/// Checks the gateway's <c>X-Federation-*</c> headers on a backend: the HMAC must match the
/// backend's key over this request's method, target and headers; the signed system must be this
/// backend's; the timestamp must be within <paramref name="maxAge"/> of now (either direction);
/// and the nonce must not have been seen within that window, so a captured request cannot be
/// replayed, sent to another path, or to another system that shares the key. A backend that gets
/// <see cref="VerifiedIdentity.IsValid"/> false must treat the caller as anonymous.
/// One instance per backend process (it remembers nonces); several instances behind a load
/// balancer each remember only their own.
/// </summary>
public sealed class IdentityHeaderVerifier(string key, string system, TimeProvider timeProvider, TimeSpan maxAge)
{
    private readonly IdentityHeaderSigner _signer = new(key);
    private readonly ConcurrentDictionary<string, long> _seenNonces = new(StringComparer.Ordinal);
    private long _nextSweep;

    public IdentityHeaderVerifier(string key, string system)
        : this(key, system, TimeProvider.System, TimeSpan.FromSeconds(60))
    {
    }

    /// <summary>The request as this backend received it: method and the raw request target.</summary>
    public VerifiedIdentity Verify(HttpRequest request)
    {
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            target = request.PathBase + request.Path + request.QueryString;
        }
        return Verify(request.Method, target, request.Headers);
    }

    /// <param name="method">The HTTP method.</param>
    /// <param name="target">The request target as received on the wire: path and query, e.g. <c>/elever?klass=7b</c>.</param>
    /// <param name="headers">The request headers.</param>
    public VerifiedIdentity Verify(string method, string target, IHeaderDictionary headers)
    {
        var federation = new List<KeyValuePair<string, string>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            if (!FederationHeaders.IsFederationHeader(name))
            {
                continue;
            }
            // A repeated header (also X-Federation-Roles next to X_Federation_Roles) could be read
            // differently by the signer and by whatever reads it after us.
            if (values.Count != 1 || !names.Add(FederationHeaders.Normalize(name)))
            {
                return VerifiedIdentity.Invalid($"Header {name} appears more than once.");
            }
            federation.Add(new(name, values[0] ?? string.Empty));
        }

        var signature = Find(federation, FederationHeaders.Signature);
        if (signature is null)
        {
            return VerifiedIdentity.Invalid("No signature: the request did not come through the gateway.");
        }
        var timestampText = Find(federation, FederationHeaders.Timestamp);
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return VerifiedIdentity.Invalid("No valid timestamp.");
        }
        if (Find(federation, FederationHeaders.Nonce) is not { Length: >= 16 } nonce)
        {
            return VerifiedIdentity.Invalid("No nonce.");
        }
        if (!_signer.Matches(method, target, federation, signature))
        {
            return VerifiedIdentity.Invalid("The signature does not match: the request or its headers were changed, or the key is wrong.");
        }
        var signedSystem = Find(federation, FederationHeaders.System);
        if (!string.Equals(signedSystem, system, StringComparison.Ordinal))
        {
            return VerifiedIdentity.Invalid($"Signed for system '{signedSystem}', not '{system}'.");
        }
        var now = timeProvider.GetUtcNow();
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var age = now - signedAt;
        if (age.Duration() > maxAge)
        {
            return VerifiedIdentity.Invalid($"The timestamp is {age.TotalSeconds:0} s off; at most {maxAge.TotalSeconds:0} s is accepted.");
        }
        if (!Remember(nonce, signedAt, now))
        {
            return VerifiedIdentity.Invalid("The nonce was already used: a replayed request.");
        }

        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in federation)
        {
            if (FederationHeaders.AttributeOf(name) is { } attribute)
            {
                attributes[attribute] = FederationHeaders.DecodeValues(value);
            }
        }
        return new VerifiedIdentity(true, null, signedSystem, attributes, signedAt);
    }

    /// <summary>
    /// Remembers a nonce until its timestamp leaves the window (after that the timestamp check
    /// refuses it anyway); false if it is already remembered.
    /// </summary>
    private bool Remember(string nonce, DateTimeOffset signedAt, DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        if (nowTicks >= Interlocked.Read(ref _nextSweep))
        {
            Interlocked.Exchange(ref _nextSweep, nowTicks + maxAge.Ticks);
            foreach (var (seen, until) in _seenNonces)
            {
                if (until < nowTicks)
                {
                    _seenNonces.TryRemove(seen, out _);
                }
            }
        }
        return _seenNonces.TryAdd(nonce, (signedAt + maxAge).UtcTicks);
    }

    private static string? Find(List<KeyValuePair<string, string>> headers, string name) =>
        headers.FirstOrDefault(h => string.Equals(FederationHeaders.Normalize(h.Key), FederationHeaders.Normalize(name), StringComparison.Ordinal)).Value;
}
