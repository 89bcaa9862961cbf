using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Federation.EndToEnd.Tests.Replicas;

/// <summary>One HTTP request as the test saw it: when it started and ended (on one monotonic clock) and how.</summary>
public sealed record Call(string Method, Uri Url, TimeSpan Started, TimeSpan Ended, int? Status, string? Error)
{
    public bool Failed => Status is null or >= 500;

    public override string ToString() =>
        $"{Method} {Url.PathAndQuery.Split('?')[0]} at {Started.TotalSeconds:F2}-{Ended.TotalSeconds:F2} s: {(Status is { } s ? s.ToString(CultureInfo.InvariantCulture) : Error)}";
}

/// <summary>Every request of a test run, for counting what failed and when.</summary>
public sealed class CallLog
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Call> _calls = new();

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<Call> Calls => [.. _calls];

    public void Add(Call call) => _calls.Enqueue(call);
}

/// <summary>
/// A browser without JavaScript: its own cookies (which, like a browser's, ignore the port), no
/// automatic redirects, and a <see cref="Route"/> that may send a request for a pool's address to one
/// replica instead (with the pool's Host header, as nginx would pass it on).
/// </summary>
public sealed class Browser(CallLog log) : IDisposable
{
    private readonly HttpClientHandler _handler = new() { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
    private HttpClient? _http;

    /// <summary>Where a request goes: the replica's address for a pool address, or null for the address itself.</summary>
    public Func<Uri, Uri?> Route { get; set; } = _ => null;

    private HttpClient Http => _http ??= new HttpClient(_handler) { Timeout = TimeSpan.FromSeconds(60) };

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Accept.ParseAdd("text/html");
        if (Route(url) is { } replica)
        {
            request.Headers.Host = url.Authority;
            request.RequestUri = new UriBuilder(url) { Port = replica.Port }.Uri;
        }
        var started = log.Now;
        try
        {
            var response = await Http.SendAsync(request);
            log.Add(new Call(method.Method, url, started, log.Now, (int)response.StatusCode, null));
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            log.Add(new Call(method.Method, url, started, log.Now, null, e.GetType().Name + ": " + e.Message));
            throw;
        }
    }

    public Task<HttpResponseMessage> GetAsync(Uri url) => SendAsync(HttpMethod.Get, url);

    /// <summary>
    /// A person opens <paramref name="start"/> on the gateway, signs in at the idp and comes back:
    /// redirects followed, the login form and the idp's form_post answer submitted. The page it ends on.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)> SignInThroughGatewayAsync(Uri start, string userName)
    {
        var location = start;
        for (var hop = 0; hop < 15; hop++)
        {
            using var response = await GetAsync(location);
            var body = await response.Content.ReadAsStringAsync();
            HttpResponseMessage? next = null;
            var from = location; // a redirect is relative to the URL that answered it
            if (response.StatusCode == HttpStatusCode.OK && location.AbsolutePath == "/login")
            {
                var form = HtmlForm.Read(location, body);
                from = form.Action;
                next = await SendAsync(HttpMethod.Post, form.Action, form.Submit(new LoginForm(userName).Credentials));
            }
            else if (response.StatusCode == HttpStatusCode.OK && location.AbsolutePath == "/connect/authorize")
            {
                var form = HtmlForm.Read(location, body);
                from = form.Action;
                next = await SendAsync(HttpMethod.Post, form.Action, form.Submit(form.Inputs));
            }
            else if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
            {
                return (response.StatusCode, body);
            }
            using (next)
            {
                var redirect = next ?? response;
                if (redirect.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
                {
                    return (redirect.StatusCode, await redirect.Content.ReadAsStringAsync());
                }
                location = new Uri(from, redirect.Headers.Location!);
            }
        }
        throw new InvalidOperationException("Too many redirects, last at " + location);
    }

    /// <summary>Authorization code + PKCE with a public client; the access token, or null when a step failed (the call log says which).</summary>
    public async Task<string?> SignInAtIdpAsync(Uri idp, string clientId, string redirectUri, string userName, string scope)
    {
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var location = new Uri(idp, QueryHelpers.AddQueryString("connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = "s" + verifier[..8],
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        }));
        for (var hop = 0; hop < 10; hop++)
        {
            if (location.AbsoluteUri.StartsWith(redirectUri, StringComparison.Ordinal))
            {
                var code = QueryHelpers.ParseQuery(location.Query)["code"].ToString();
                using var token = await SendAsync(HttpMethod.Post, new Uri(idp, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "authorization_code",
                    ["code"] = code,
                    ["redirect_uri"] = redirectUri,
                    ["client_id"] = clientId,
                    ["code_verifier"] = verifier,
                }));
                return token.IsSuccessStatusCode
                    ? JsonNode.Parse(await token.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>()
                    : null;
            }
            using var response = await GetAsync(location);
            HttpResponseMessage? next = null;
            if (response.StatusCode == HttpStatusCode.OK && location.AbsolutePath == "/login")
            {
                var form = HtmlForm.Read(location, await response.Content.ReadAsStringAsync());
                next = await SendAsync(HttpMethod.Post, form.Action, form.Submit(new LoginForm(userName).Credentials));
            }
            using (next)
            {
                var redirect = next ?? response;
                if (redirect.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
                {
                    return null;
                }
                location = new Uri(location, redirect.Headers.Location!);
            }
        }
        return null;
    }


    public void Dispose()
    {
        _http?.Dispose();
        _handler.Dispose();
    }
}
