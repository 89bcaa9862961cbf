using Federation.Idp.Tests.Infrastructure;

namespace Federation.Idp.Tests.Oidc;

/// <summary>
/// A browser page of a registered public client (e.g. the register's Scalar page) may call the
/// token endpoint from JavaScript; any other origin gets no CORS permission.
/// </summary>
public sealed class BrowserClientCorsTests(IdpHost idp) : IClassFixture<IdpHost>
{
    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/connect/token");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return await idp.CreateBrowser().SendAsync(request);
    }

    [Fact]
    public async Task The_origin_of_a_registered_public_clients_redirect_uri_may_call_the_token_endpoint()
    {
        using var response = await PreflightAsync("http://127.0.0.1:7001");

        Assert.True(response.Headers.TryGetValues("Access-Control-Allow-Origin", out var allowed));
        Assert.Equal("http://127.0.0.1:7001", Assert.Single(allowed));
    }

    [Fact]
    public async Task An_unregistered_origin_gets_no_cors_permission()
    {
        using var response = await PreflightAsync("http://127.0.0.1:6666");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public void Only_public_clients_that_still_get_tokens_open_their_origin()
    {
        var feed = TestSystems.Feed();
        Assert.True(Federation.Idp.Oidc.BrowserClientCors.IsRegisteredPublicOrigin(feed, "http://127.0.0.1:7001"));

        var withoutPublic = feed with { Systems = feed.Systems.Where(s => s.OidcClient?.ClientSecretHash is not null).ToList() };
        Assert.False(Federation.Idp.Oidc.BrowserClientCors.IsRegisteredPublicOrigin(withoutPublic, "http://127.0.0.1:7001"));

        var retired = feed with
        {
            Systems = feed.Systems.Select(s => s.OidcClient?.ClientSecretHash is null && s.OidcClient is not null
                ? s with { Lifecycle = Federation.Core.Feed.LifecyclePhase.Avvecklad } : s).ToList(),
        };
        Assert.False(Federation.Idp.Oidc.BrowserClientCors.IsRegisteredPublicOrigin(retired, "http://127.0.0.1:7001"));
    }
}
