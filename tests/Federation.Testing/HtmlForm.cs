using System.Net;
using System.Text.RegularExpressions;

namespace Federation.Testing;

/// <summary>
/// The first form of a page's content as a browser would submit it: where it posts to, and its
/// inputs (hidden ones such as the antiforgery token, the ReturnUrl or a SAMLResponse). A page in
/// the shared layout has a sign-out form in its header: the content is its <c>main</c> element.
/// </summary>
public sealed partial record HtmlForm(Uri Action, IReadOnlyDictionary<string, string> Hidden, IReadOnlyDictionary<string, string> Inputs)
{
    /// <summary>Reads the form of <paramref name="html"/>, served at <paramref name="page"/> (a form without action posts back there).</summary>
    public static HtmlForm Read(Uri page, string html)
    {
        html = MainOf(html);
        var hidden = new Dictionary<string, string>(StringComparer.Ordinal);
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in InputTag().Matches(html))
        {
            var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (Match attribute in Attribute().Matches(input.Value))
            {
                attributes.TryAdd(attribute.Groups["name"].Value, WebUtility.HtmlDecode(attribute.Groups["value"].Value));
            }
            if (!attributes.TryGetValue("name", out var name))
            {
                continue;
            }
            var value = attributes.GetValueOrDefault("value") ?? "";
            inputs.TryAdd(name, value);
            if (string.Equals(attributes.GetValueOrDefault("type"), "hidden", StringComparison.OrdinalIgnoreCase))
            {
                hidden.TryAdd(name, value);
            }
        }
        var action = FormAction().Match(html) is { Success: true } m ? new Uri(page, WebUtility.HtmlDecode(m.Groups["action"].Value)) : page;
        return new HtmlForm(action, hidden, inputs);
    }

    private static string MainOf(string html)
    {
        var start = html.IndexOf("<main", StringComparison.OrdinalIgnoreCase);
        var end = start < 0 ? -1 : html.IndexOf("</main>", start, StringComparison.OrdinalIgnoreCase);
        return end < 0 ? html : html[start..end];
    }

    /// <summary>The form's hidden fields with <paramref name="fields"/> (what the person typed) on top.</summary>
    public FormUrlEncodedContent Submit(IReadOnlyDictionary<string, string>? fields = null)
    {
        var form = new Dictionary<string, string>(fields ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in Hidden)
        {
            form.TryAdd(name, value);
        }
        return new FormUrlEncodedContent(form);
    }

    /// <summary>GETs <paramref name="page"/>, then POSTs its form with its hidden fields and <paramref name="fields"/>, as a browser would.</summary>
    public static async Task<HttpResponseMessage> FillInAsync(HttpClient http, Uri page, IReadOnlyDictionary<string, string>? fields = null)
    {
        var html = await http.GetStringAsync(page);
        return await PostAsync(http, page, html, fields);
    }

    /// <summary>POSTs the form of <paramref name="html"/>, served at <paramref name="page"/>, with its hidden fields and <paramref name="fields"/>.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient http, Uri page, string html, IReadOnlyDictionary<string, string>? fields = null)
    {
        var form = Read(page, html);
        return http.PostAsync(form.Action, form.Submit(fields));
    }

    [GeneratedRegex("<input[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("(?<name>[a-zA-Z_:-]+)\\s*=\\s*\"(?<value>[^\"]*)\"")]
    private static partial Regex Attribute();

    [GeneratedRegex("<form[^>]*action=\"(?<action>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();
}
