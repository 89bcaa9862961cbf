using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Gateway.Identity;

/// <summary>
/// Remembers bearer tokens that passed full validation, for at most <see cref="MaxAge"/> and
/// never past their own expiry. An API client sends the same token many times a second; its
/// RSA signature and claims need checking once, not on every request. A token the cache has
/// not seen is always validated in full.
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider time)
{
    /// <summary>Bounds how long a change (new signing keys, a backend audience removed from the feed) takes to bite.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private const int MaxEntries = 20_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public ClaimsPrincipal? Find(ReadOnlySpan<char> token)
    {
        // Looked up by the span of the Authorization header: no copy of the token per request.
        var entries = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!entries.TryGetValue(token, out var entry))
        {
            return null;
        }
        if (entry.Until <= time.GetUtcNow())
        {
            entries.TryRemove(token, out _);
            return null;
        }
        // Each request gets its own copy: nothing downstream can change another request's user.
        return Principals.DeepCopy(entry.Principal);
    }

    public void Remember(string token, ClaimsPrincipal principal, DateTimeOffset expires)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear(); // crude bound; the next requests simply validate again
        }
        var until = time.GetUtcNow() + MaxAge;
        _entries[token] = new Entry(Principals.DeepCopy(principal), until < expires ? until : expires);
    }

    /// <summary>Hooks the cache into the JwtBearer handler's events.</summary>
    public JwtBearerEvents Events() => new()
    {
        OnMessageReceived = context =>
        {
            if (GatewayAuthentication.IsBearer(context.Request) && Find(BearerTokenSpan(context.Request)) is { } principal)
            {
                context.Principal = principal;
                context.Success();
            }
            return Task.CompletedTask;
        },
        OnTokenValidated = context =>
        {
            if (BearerToken(context.Request) is { } token && context.Principal is { } principal
                && context.SecurityToken is JsonWebToken jwt)
            {
                Remember(token, principal, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
            }
            return Task.CompletedTask;
        },
    };

    private static string? BearerToken(HttpRequest request) =>
        GatewayAuthentication.IsBearer(request) ? BearerTokenSpan(request).ToString() : null;

    private static ReadOnlySpan<char> BearerTokenSpan(HttpRequest request) =>
        request.Headers.Authorization.ToString().AsSpan("Bearer ".Length).Trim();

    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset Until);
}
