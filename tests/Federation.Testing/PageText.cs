using System.Net;
using System.Text.RegularExpressions;

namespace Federation.Testing;

/// <summary>The text a person reads on an HTML page: markup, attributes, scripts and styles removed, entities decoded.</summary>
public static partial class PageText
{
    public static string Of(string html)
    {
        var text = ScriptOrStyle().Replace(html, "\n");
        text = Tag().Replace(text, "\n");
        return WebUtility.HtmlDecode(text);
    }

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex Tag();
}
