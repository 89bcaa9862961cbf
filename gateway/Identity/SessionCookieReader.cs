using Federation.Core.Http;
using Microsoft.AspNetCore.Authentication.Cookies;

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
        if (CookieHeader.TryFindPlainValue(context.Request.Headers.Cookie, key, out var value)
            && !value.StartsWith("chunks-", StringComparison.Ordinal) && tickets.KnownText(value) is { } known)
        {
            return known;
        }
        return inner.GetRequestCookie(context, key);
    }

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) =>
        inner.AppendResponseCookie(context, key, value, options);

    public void DeleteCookie(HttpContext context, string key, CookieOptions options) =>
        inner.DeleteCookie(context, key, options);
}
