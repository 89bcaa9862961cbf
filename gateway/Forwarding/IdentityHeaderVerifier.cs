using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Federation.Gateway.Forwarding;

/// <summary>What a backend learns from the gateway's headers.</summary>
/// <param name="IsValid">True only if the signature matched and the timestamp was fresh.</param>
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
/// backend's key and the timestamp must be within <paramref name="maxAge"/> of now (either
/// direction), so a captured request cannot be replayed later. A backend that gets
/// <see cref="VerifiedIdentity.IsValid"/> false must treat the caller as anonymous.
/// </summary>
public sealed class IdentityHeaderVerifier(string key, TimeProvider timeProvider, TimeSpan maxAge)
{
    private readonly IdentityHeaderSigner _signer = new(key);

    public IdentityHeaderVerifier(string key)
        : this(key, TimeProvider.System, TimeSpan.FromSeconds(60))
    {
    }

    public VerifiedIdentity Verify(IHeaderDictionary headers)
    {
        var federation = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in headers)
        {
            if (!FederationHeaders.IsFederationHeader(name))
            {
                continue;
            }
            if (values.Count != 1)
            {
                // A repeated header could be read differently by the signer and the reader.
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
        if (!_signer.Matches(federation, signature))
        {
            return VerifiedIdentity.Invalid("The signature does not match: headers were changed or the key is wrong.");
        }
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var age = timeProvider.GetUtcNow() - signedAt;
        if (age.Duration() > maxAge)
        {
            return VerifiedIdentity.Invalid($"The timestamp is {age.TotalSeconds:0} s off; at most {maxAge.TotalSeconds:0} s is accepted.");
        }

        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in federation)
        {
            if (FederationHeaders.AttributeOf(name) is { } attribute)
            {
                attributes[attribute] = FederationHeaders.DecodeValues(value);
            }
        }
        return new VerifiedIdentity(true, null, Find(federation, FederationHeaders.System), attributes, signedAt);
    }

    private static string? Find(List<KeyValuePair<string, string>> headers, string name) =>
        headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
