using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Identity;

/// <summary>
/// Remembers decrypted session cookies for at most <see cref="MaxAge"/>. A browser sends the same
/// cookie with every request; decrypting and deserializing it (data protection, several KB with the
/// saved tokens) is most of a cookie sign-in's cost. Only the decryption is skipped: the cookie
/// handler still checks the session's expiry and renews it on every request, and a cookie that was
/// changed in any way is a different text, so it is decrypted (and refused) in full.
/// </summary>
public sealed class SessionTicketCache(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider time) : ISecureDataFormat<AuthenticationTicket>
{
    /// <summary>Bounds how long a revoked data-protection key keeps working for cookies already seen.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    // Keys are whole cookies (a few KB each): a few thousand signed-in browsers at a time.
    private const int MaxEntries = 5_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    /// <summary>
    /// The remembered cookie text equal to <paramref name="cookie"/>, if it is still fresh: lets
    /// <see cref="SessionCookieReader"/> hand the handler a string it already has instead of a copy.
    /// </summary>
    public string? KnownText(ReadOnlySpan<char> cookie) =>
        _entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(cookie, out var text, out var entry)
        && entry.Until > time.GetUtcNow()
            ? text
            : null;

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null)
        {
            return inner.Unprotect(protectedText, purpose);
        }
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(protectedText, out var entry))
        {
            if (entry.Until > now)
            {
                return Copy(entry.Ticket);
            }
            _entries.TryRemove(protectedText, out _);
        }
        var ticket = inner.Unprotect(protectedText);
        if (ticket is null)
        {
            return null; // never remember a refusal: a later key rotation could make it valid
        }
        var until = now + MaxAge;
        if (ticket.Properties.ExpiresUtc is { } expires && expires < until)
        {
            until = expires;
        }
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear(); // crude bound; the next requests simply decrypt again
        }
        _entries[protectedText] = new Entry(Copy(ticket), until);
        return ticket;
    }

    // Each request gets its own ticket: the handler renews properties, nothing may leak between requests.
    private static AuthenticationTicket Copy(AuthenticationTicket ticket) =>
        new(Principals.DeepCopy(ticket.Principal), ticket.Properties.Clone(), ticket.AuthenticationScheme);

    private sealed record Entry(AuthenticationTicket Ticket, DateTimeOffset Until);
}

/// <summary>Wraps the cookie handler's ticket format (after the framework has made it) in <see cref="SessionTicketCache"/>.</summary>
internal sealed class CacheSessionTickets(TimeProvider time) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name == CookieAuthenticationDefaults.AuthenticationScheme && options.TicketDataFormat is not SessionTicketCache)
        {
            var tickets = new SessionTicketCache(options.TicketDataFormat, time);
            options.TicketDataFormat = tickets;
            options.CookieManager = new SessionCookieReader(options.CookieManager, tickets);
        }
    }
}
