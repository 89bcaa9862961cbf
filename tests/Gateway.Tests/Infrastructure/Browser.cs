using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Federation.Gateway.Tests.Infrastructure;

/// <summary>
/// A person with a browser, as far as HTTP goes: a cookie jar shared by every 127.0.0.1
/// service, redirects followed one by one, the idp's login and MFA forms filled in, and
/// auto-submitting form_post pages submitted.
/// </summary>
internal sealed partial class Browser(Uri idp, string user, string password, string? totpSecret = null) : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private HttpClient? _client;

    private HttpClient Http => _client ??= Create(_cookies);

    /// <summary>Every cookie the browser would send to <paramref name="site"/>, as the Cookie header.</summary>
    public string Cookies(Uri site) => _cookies.GetCookieHeader(site);

    private static HttpClient Create(CookieContainer cookies)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies });
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml");
        return client;
    }

    /// <summary>Visits <paramref name="url"/> and goes wherever the services send the browser, until a page that is not a redirect or a form to submit.</summary>
    public async Task<HttpResponseMessage> VisitAsync(Uri url)
    {
        var response = await Http.GetAsync(url);
        for (var hop = 0; hop < 25; hop++)
        {
            var at = response.RequestMessage!.RequestUri!;
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
            {
                var next = new Uri(at, response.Headers.Location!);
                if (!System.Net.IPAddress.TryParse(next.Host, out var address) || !System.Net.IPAddress.IsLoopback(address))
                {
                    return response; // off-site: a test never goes there; the caller sees where it was sent
                }
                response = next.Authority == idp.Authority && next.AbsolutePath.Equals("/login", StringComparison.OrdinalIgnoreCase)
                    ? await SubmitFormAsync(next, new() { ["UserName"] = user, ["Password"] = password })
                    : next.Authority == idp.Authority && next.AbsolutePath.Equals("/mfa", StringComparison.OrdinalIgnoreCase)
                        ? await SubmitFormAsync(next, new() { ["Code"] = Totp(totpSecret ?? throw new InvalidOperationException("MFA asked for, no TOTP secret")) })
                        : await Http.GetAsync(next);
                continue;
            }
            var body = response.Content.Headers.ContentType?.MediaType == "text/html" ? await response.Content.ReadAsStringAsync() : "";
            if (response.StatusCode == HttpStatusCode.OK && at.Authority == idp.Authority && body.Contains("signin-oidc", StringComparison.Ordinal))
            {
                response = await PostFormAsync(at, body, []); // response_mode=form_post back to the gateway
                continue;
            }
            return response;
        }
        throw new InvalidOperationException("Too many redirects.");
    }

    private async Task<HttpResponseMessage> SubmitFormAsync(Uri page, Dictionary<string, string> fields)
    {
        var html = await Http.GetStringAsync(page);
        return await PostFormAsync(page, html, fields);
    }

    private Task<HttpResponseMessage> PostFormAsync(Uri page, string html, Dictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>(fields);
        foreach (Match input in InputTag().Matches(html))
        {
            var attributes = Attribute().Matches(input.Value).ToDictionary(a => a.Groups[1].Value.ToLowerInvariant(), a => WebUtility.HtmlDecode(a.Groups[2].Value));
            if (attributes.GetValueOrDefault("type") == "hidden" && attributes.TryGetValue("name", out var name))
            {
                form.TryAdd(name, attributes.GetValueOrDefault("value") ?? "");
            }
        }
        var action = FormAction().Match(html) is { Success: true } m ? new Uri(page, WebUtility.HtmlDecode(m.Groups[1].Value)) : page;
        return Http.PostAsync(action, new FormUrlEncodedContent(form));
    }

    /// <summary>RFC 6238 code (SHA-1, 30 s, 6 digits), as an authenticator app shows it.</summary>
    public static string Totp(string base32Secret)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(base32Secret.TrimEnd('=').ToUpperInvariant().Select(c => Convert.ToString(alphabet.IndexOf(c), 2).PadLeft(5, '0')));
        var key = Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
        var counter = BitConverter.GetBytes(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }
#pragma warning disable CA5350 // RFC 6238 authenticator codes are HMAC-SHA1 by definition
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var code = ((hash[offset] & 0x7f) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3]) % 1_000_000;
        return code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>One request with the browser's cookies, redirects not followed.</summary>
    public Task<HttpResponseMessage> GetAsync(Uri url) => Http.GetAsync(url);

    public void Dispose() => _client?.Dispose();

    [GeneratedRegex("<input[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("([a-zA-Z-]+)=\"([^\"]*)\"")]
    private static partial Regex Attribute();

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();
}
