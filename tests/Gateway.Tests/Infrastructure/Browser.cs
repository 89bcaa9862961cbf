using System.Net;

namespace Federation.Gateway.Tests.Infrastructure;

/// <summary>
/// A person with a browser, as far as HTTP goes: a cookie jar shared by every 127.0.0.1
/// service, redirects followed one by one, the idp's login and MFA forms filled in, and
/// auto-submitting form_post pages submitted.
/// </summary>
internal sealed class Browser(Uri idp, string user, string password, string? totpSecret = null) : IDisposable
{
    private readonly (HttpClient Http, CookieContainer Cookies) _client = Create();
    private readonly LoginForm _person = new(user, password, totpSecret);

    private HttpClient Http => _client.Http;

    /// <summary>The jar, to look at what a service stored in the browser.</summary>
    public CookieContainer Cookies => _client.Cookies;

    /// <summary>Every cookie the browser would send to <paramref name="site"/>, as the Cookie header.</summary>
    public string CookieHeader(Uri site) => _client.Cookies.GetCookieHeader(site);

    private static (HttpClient, CookieContainer) Create()
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies });
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml");
        return (client, cookies);
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
                response = (next.Authority == idp.Authority ? await _person.TryFillInAsync(Http, next) : null)
                           ?? await Http.GetAsync(next);
                continue;
            }
            var body = response.Content.Headers.ContentType?.MediaType == "text/html" ? await response.Content.ReadAsStringAsync() : "";
            if (response.StatusCode == HttpStatusCode.OK && at.Authority == idp.Authority && body.Contains("signin-oidc", StringComparison.Ordinal))
            {
                var form = HtmlForm.Read(at, body); // response_mode=form_post back to the gateway
                response = await Http.PostAsync(form.Action, form.Submit());
                continue;
            }
            return response;
        }
        throw new InvalidOperationException("Too many redirects.");
    }

    /// <summary>One request with the browser's cookies, redirects not followed.</summary>
    public Task<HttpResponseMessage> GetAsync(Uri url) => Http.GetAsync(url);

    public void Dispose() => Http.Dispose();
}
