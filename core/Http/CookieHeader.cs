using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Federation.Core.Http;

/// <summary>
/// Reads one cookie from the Cookie header without building the request's cookie collection. The
/// framework's collection parses every cookie and copies each value into a new string, and a
/// gateway request carries a session cookie of several KB: every middleware that asked
/// <c>Request.Cookies</c> for a small cookie (the language, a trace context) paid for that copy.
/// Anything unusual (escaped, quoted or otherwise not plain, the name sent twice in any spelling
/// or found elsewhere in the header) goes to the framework's reader, so its rules decide every such case.
/// </summary>
public static class CookieHeader
{
    /// <summary>The value of the cookie <paramref name="name"/>, or null when the request has none.</summary>
    public static string? Find(HttpRequest request, string name) =>
        Scan(request.Headers.Cookie, name, out var value) switch
        {
            Found.None => null,
            Found.Plain => value.ToString(),
            _ => request.Cookies[name],
        };

    /// <summary>
    /// The value of the one cookie named <paramref name="name"/>, if it is sent once and the framework
    /// would take it as it is: only cookie octets, no <c>%</c>. The name is matched in any case, as
    /// the framework's collection matches it. False otherwise, including when it is absent, when the
    /// name is sent twice in any spelling, or appears anywhere else (in another cookie's name or value,
    /// after a comma): then the framework's reader decides.
    /// </summary>
    public static bool TryFindPlainValue(StringValues headers, string name, out ReadOnlySpan<char> value) =>
        Scan(headers, name, out value) == Found.Plain;

    private enum Found
    {
        None,
        Plain,
        /// <summary>Present in some form the framework's reader must judge.</summary>
        Other,
    }

    // One pass over the header: absent (the usual case), one plain value, or something else.
    private static Found Scan(StringValues headers, string name, out ReadOnlySpan<char> value)
    {
        value = default;
        var found = false;
        foreach (var header in headers)
        {
            if (header is null)
            {
                continue;
            }
            for (var offset = 0; ;)
            {
                var at = header.AsSpan(offset).IndexOf(name, StringComparison.OrdinalIgnoreCase);
                if (at < 0)
                {
                    break;
                }
                at += offset;
                offset = at + name.Length;
                if (found || !StartsCookie(header, at) || offset == header.Length || header[offset] != '=')
                {
                    return Found.Other;
                }
                found = true;
                var end = header.IndexOf(';', offset);
                value = header.AsSpan(offset + 1, (end < 0 ? header.Length : end) - offset - 1).TrimEnd(Blank);
            }
        }
        if (!found)
        {
            return Found.None;
        }
        return !value.IsEmpty && !value.ContainsAnyExcept(PlainOctets) ? Found.Plain : Found.Other;
    }

    private const string Blank = " \t";

    // RFC 6265 cookie-octet without '%' (the framework decodes that).
    private static readonly SearchValues<char> PlainOctets =
        SearchValues.Create("!#$&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    // The name begins the header or follows a ';' (blanks aside).
    private static bool StartsCookie(string header, int at) =>
        header.AsSpan(0, at).TrimEnd(Blank) is var before && (before.IsEmpty || before[^1] == ';');
}
