using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Primitives;

namespace Federation.Gateway.Identity;

/// <summary>
/// Finds the session cookie in the Cookie header without building the request's cookie collection:
/// the framework's reader parses every cookie and copies the session's few KB into a new string on
/// each request. When the value is a cookie <see cref="SessionTicketCache"/> already holds, the held
/// string is returned; anything else (not seen, stale, chunked, escaped or quoted, or the name sent
/// twice) goes to the framework's reader unchanged, so its rules decide every unusual case.
/// </summary>
public sealed class SessionCookieReader(ICookieManager inner, SessionTicketCache tickets) : ICookieManager
{
    public string? GetRequestCookie(HttpContext context, string key)
    {
        if (TryFindPlainValue(context.Request.Headers.Cookie, key, out var value) && tickets.KnownText(value) is { } known)
        {
            return known;
        }
        return inner.GetRequestCookie(context, key);
    }

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) =>
        inner.AppendResponseCookie(context, key, value, options);

    public void DeleteCookie(HttpContext context, string key, CookieOptions options) =>
        inner.DeleteCookie(context, key, options);

    /// <summary>The value of the one cookie named <paramref name="key"/>, if it needs no decoding.</summary>
    private static bool TryFindPlainValue(StringValues headers, string key, out ReadOnlySpan<char> value)
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
                if (cookie.Length <= key.Length || cookie[key.Length] != '=' || !cookie.StartsWith(key, StringComparison.Ordinal))
                {
                    continue;
                }
                if (found)
                {
                    return false; // sent twice: the framework decides which one counts
                }
                found = true;
                value = cookie[(key.Length + 1)..].Trim();
            }
        }
        return found && !value.IsEmpty && !value.ContainsAny('%', '"') && !value.StartsWith("chunks-", StringComparison.Ordinal);
    }
}
