using System.Net;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Hosting;

/// <summary>A gateway behind a TLS-offloading proxy at 127.0.0.1, which it is told to trust.</summary>
public sealed class TrustedProxyRig : GatewayRig
{
    protected override void Configure(Dictionary<string, string?> settings) =>
        settings["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
}

/// <summary>TLS ends at a proxy: cookies are Secure anyway, and only a trusted proxy says "https".</summary>
public sealed class TransportSecurityTests(TrustedProxyRig rig) : IClassFixture<TrustedProxyRig>
{
    private static HttpRequestMessage ThroughTheProxy(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "portal.skola.example";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        return request;
    }

    [Fact]
    public async Task Session_and_sign_in_cookies_are_secure_although_the_request_arrived_as_plain_http()
    {
        using var client = rig.Client(browser: true);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/signin");
        request.Headers.Host = "portal.skola.example"; // no X-Forwarded-Proto: plain HTTP as far as Kestrel knows

        var response = await client.SendAsync(request);

        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_trusted_proxys_https_gets_hsts()
    {
        using var client = rig.Client();

        var response = await client.SendAsync(ThroughTheProxy("/health/live"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("Strict-Transport-Security"));
    }
}

/// <summary>No proxy configured: forwarded headers are the client's word and count for nothing.</summary>
public sealed class UntrustedForwardedHeadersTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    [Fact]
    public async Task Forwarded_headers_from_an_untrusted_peer_are_ignored()
    {
        using var client = rig.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Host = "portal.skola.example";
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }
}
