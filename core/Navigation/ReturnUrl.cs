namespace Federation.Core.Navigation;

/// <summary>
/// The one rule for where a service may send a browser back to after sign-in, sign-out or a
/// language change: a path on the same site, nothing a browser could read as another host.
/// Browsers treat <c>\</c> as <c>/</c> and drop tabs and line breaks inside a URL, so
/// <c>/\evil.example</c> and <c>/&#9;/evil.example</c> are both <c>//evil.example</c> to them.
/// </summary>
public static class ReturnUrl
{
    /// <summary>Where to go when the asked-for URL is not safe.</summary>
    public const string Home = "/";

    /// <summary>True for a local path: starts with one <c>/</c>, no backslash, no control character, no scheme-relative start.</summary>
    public static bool IsSafe(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }
        if (url.Length > 1 && url[1] is '/' or '\\')
        {
            return false;
        }
        foreach (var c in url)
        {
            // Backslash anywhere: some stacks normalise it to '/' later. Control characters and
            // whitespace: browsers strip them, which can turn a path into a host.
            if (c == '\\' || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The URL when it is safe, otherwise <paramref name="fallback"/>.</summary>
    public static string OrHome(string? url, string fallback = Home) => IsSafe(url) ? url! : fallback;
}
