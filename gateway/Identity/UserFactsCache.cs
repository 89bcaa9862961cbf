using System.Collections.Concurrent;
using System.Security.Claims;
using Federation.Core.Access;
using Federation.Core.Attributes;
using Federation.Core.Feed;
using Federation.Gateway.Forwarding;

namespace Federation.Gateway.Identity;

/// <summary>
/// What the gateway derives from a signed-in user's claims (the policy's view of the user, and per
/// system the released identity headers), worked out once per distinct set of claims instead of on
/// every request. A pure memo: an entry is used only when the request's claims are exactly the
/// ones it was computed from (every type and value, in order), so a hit gives what computing
/// would. Nothing about trust is remembered here: the credential is authenticated and the access
/// policy evaluated on every request before these facts are used.
/// </summary>
public sealed class UserFactsCache(TimeProvider time)
{
    /// <summary>Bounds memory for users who have left; a returning user just computes again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private const int MaxEntries = 20_000;
    private readonly ConcurrentDictionary<int, UserFacts> _entries = new();

    public UserFacts For(ClaimsPrincipal user)
    {
        var hash = Fingerprint(user);
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(hash, out var facts) && facts.Until > now && facts.IsFor(user))
        {
            return facts;
        }
        var computed = new UserFacts(user, now + MaxAge);
        if (facts is null || facts.Until <= now)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear(); // crude bound; the next requests simply compute again
            }
            _entries[hash] = computed;
        }
        // Otherwise another set of claims has the same hash: serve this one uncached, keep that one.
        return computed;
    }

    private static int Fingerprint(ClaimsPrincipal user)
    {
        var hash = new HashCode();
        foreach (var claim in user.Claims)
        {
            hash.Add(claim.Type, StringComparer.Ordinal);
            hash.Add(claim.Value, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }
}

/// <summary>One user's derived facts; immutable except for the per-system memo of released headers.</summary>
public sealed class UserFacts
{
    private readonly string[] _claims;
    private readonly ClaimsPrincipal _user;
    private readonly ConcurrentDictionary<FeedSystem, KeyValuePair<string, string>[]> _headers = new();

    internal UserFacts(ClaimsPrincipal user, DateTimeOffset until)
    {
        // The memo keeps its own principal: the request's one may be changed downstream.
        _user = Principals.DeepCopy(user);
        _claims = _user.Claims.SelectMany(c => new[] { c.Type, c.Value }).ToArray();
        Attributes = PersonFacts.From(_user);
        Until = until;
    }

    public PersonFacts Attributes { get; }

    internal DateTimeOffset Until { get; }

    /// <summary>
    /// The released attributes for <paramref name="system"/> as identity headers, not yet signed
    /// (the signature covers each request's method, target, time and nonce, so it is made per request).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ReleasedHeaders(FeedSystem system) =>
        // Keyed by the feed's system object: a new feed version (release list) is a new entry, never a stale one.
        _headers.GetOrAdd(system, static (key, user) => BuildHeaders(key, user), _user);

    /// <summary>
    /// The released attributes the user has, as header name and encoded value (not yet the system,
    /// timestamp, nonce and signature). Worked out once per user and system.
    /// </summary>
    internal static KeyValuePair<string, string>[] BuildHeaders(FeedSystem system, ClaimsPrincipal user)
    {
        var result = new List<KeyValuePair<string, string>>(system.Release.Count);
        foreach (var attribute in AttributeCatalog.Released(system.Release))
        {
            var values = attribute.IsMultiValued
                ? PersonFacts.Values(user, attribute.Name == "roles" ? ["roles", "role"] : [attribute.ClaimType]).Order(StringComparer.Ordinal).ToList()
                : user.FindAll(attribute.ClaimType).Select(c => c.Value).ToList();
            if (values.Count > 0)
            {
                result.Add(new(attribute.HeaderName, FederationHeaders.EncodeValues(values)));
            }
        }
        return [.. result];
    }

    internal bool IsFor(ClaimsPrincipal user)
    {
        var i = 0;
        foreach (var claim in user.Claims)
        {
            if (i + 1 >= _claims.Length
                || !string.Equals(_claims[i], claim.Type, StringComparison.Ordinal)
                || !string.Equals(_claims[i + 1], claim.Value, StringComparison.Ordinal))
            {
                return false;
            }
            i += 2;
        }
        return i == _claims.Length;
    }
}
