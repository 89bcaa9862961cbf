using System.Net;

namespace Federation.EndToEnd.Tests.Infrastructure;

/// <summary>One page a <see cref="NoScriptBrowser"/> ended on: where, with which status and body.</summary>
public sealed record Landed(Uri Address, HttpStatusCode Status, string Html);

/// <summary>
/// A person's browser without JavaScript, for the protocol paths of the stand-ins: follows
/// redirects, fills in the idp's login and MFA forms as <see cref="LoginForm"/> says, and submits
/// the self-posting forms a script would (OIDC form_post, SAML HTTP-POST), keeping each such form.
/// Cookies are kept across calls, like a browser's.
/// </summary>
public sealed class NoScriptBrowser(LoginForm person) : IDisposable
{
    private const int MaxHops = 20;

    public CookieContainer Cookies { get; } = new();

    private HttpClient? _http;

    public HttpClient Http => _http ??= new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Every page that was answered 200 on the way, in order.</summary>
    public List<Uri> Visited { get; } = [];

    /// <summary>The self-posting forms that were submitted (SAMLResponse, code and state), in order.</summary>
    public List<HtmlForm> Posted { get; } = [];

    public async Task<Landed> OpenAsync(Uri address) => await WalkAsync(address, await GetAsync(address));

    private Task<HttpResponseMessage> GetAsync(Uri address)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.Accept.ParseAdd("text/html");
        return Http.SendAsync(request);
    }

    private async Task<Landed> WalkAsync(Uri address, HttpResponseMessage first)
    {
        var response = first;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            var current = response;
            try
            {
                if ((int)current.StatusCode is >= 300 and < 400 && current.Headers.Location is { } location)
                {
                    address = new Uri(address, location);
                    response = await GetAsync(address);
                    continue;
                }
                var html = await current.Content.ReadAsStringAsync();
                if (current.StatusCode != HttpStatusCode.OK)
                {
                    return new Landed(address, current.StatusCode, html);
                }
                Visited.Add(address);
                if (LoginForm.IsLoginPage(address) || LoginForm.IsMfaPage(address))
                {
                    var fields = LoginForm.IsLoginPage(address) ? person.Credentials : person.Code();
                    var form = HtmlForm.Read(address, html);
                    address = form.Action;
                    response = await Http.PostAsync(form.Action, form.Submit(fields));
                    continue;
                }
                if (html.Contains("SAMLResponse", StringComparison.Ordinal) || html.Contains("name=\"code\"", StringComparison.Ordinal))
                {
                    var form = HtmlForm.Read(address, html);
                    Posted.Add(form);
                    address = form.Action;
                    response = await Http.PostAsync(form.Action, form.Submit());
                    continue;
                }
                return new Landed(address, current.StatusCode, html);
            }
            finally
            {
                current.Dispose();
            }
        }
        response.Dispose();
        throw new InvalidOperationException($"More than {MaxHops} hops, last at {address}");
    }

    public void Dispose() => _http?.Dispose();
}
