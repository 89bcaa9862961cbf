using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Federation.Core.Http;

/// <summary>
/// Reads one cookie from the Cookie header without building the request's cookie collection. The
/// framework's collection parses every cookie and copies each value into a new string, and a
/// gateway request carries a session cookie of several KB: every middleware that asked
/// <c>Request.Cookies</c> for a small cookie (the language, a trace context) paid for that copy.
/// Anything unusual (escaped or quoted, or the name sent twice) goes to the framework's reader,
/// so its rules decide every such case.
/// </summary>
public static class CookieHeader
{
    /// <summary>The value of the cookie <paramref name="name"/>, or null when the request has none.</summary>
    public static string? Find(HttpRequest request, string name)
    {
        var headers = request.Headers.Cookie;
        if (!Mentions(headers, name))
        {
            return null;
        }
        return TryFindPlainValue(headers, name, out var value) ? value.ToString() : request.Cookies[name];
    }

    /// <summary>
    /// The value of the one cookie named <paramref name="name"/>, if it is sent once and needs no
    /// decoding (no <c>%</c>, no quotes). False otherwise, including when it is absent.
    /// </summary>
    public static bool TryFindPlainValue(StringValues headers, string name, out ReadOnlySpan<char> value)
    {
        value = default;
        var found = false;
        foreach (var header in headers)
        {
            if (header is null)
            {
                continue;
            }
            foreach (var range in header.AsSpan().Split(';'))
            {
                var cookie = header.AsSpan(range).Trim();
                if (cookie.Length <= name.Length || cookie[name.Length] != '=' || !cookie.StartsWith(name, StringComparison.Ordinal))
                {
                    continue;
                }
                if (found)
                {
                    return false; // sent twice: the framework decides which one counts
                }
                found = true;
                value = cookie[(name.Length + 1)..].Trim();
            }
        }
        return found && !value.IsEmpty && !value.ContainsAny('%', '"');
    }

    // A cheap first look: most requests do not carry the cookie at all.
    private static bool Mentions(StringValues headers, string name)
    {
        foreach (var header in headers)
        {
            if (header is not null && header.Contains(name, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
