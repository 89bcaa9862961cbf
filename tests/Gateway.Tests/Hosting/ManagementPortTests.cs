using System.Net;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Hosting;

/// <summary>Operators read metrics and health details on the management port; the internet does not.</summary>
public sealed class ManagementPortTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    [Theory]
    [InlineData("/metrics")]
    [InlineData("/health/ready")]
    public async Task Metrics_and_health_details_are_not_on_the_public_port(string path)
    {
        using var client = rig.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        // The Host header is the client's to choose; naming the management port must not help.
        request.Headers.Host = $"127.0.0.1:{rig.ManagementAddress.Port}";

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Metrics_and_health_details_are_on_the_management_port()
    {
        using var scraper = rig.ManagementClient();

        var metrics = await scraper.GetAsync("/metrics");
        var ready = await scraper.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"checks\"", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Liveness_stays_cheap_and_anonymous_on_the_public_port()
    {
        using var client = rig.Client();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Outside_development_without_a_management_port_there_are_no_metrics_and_readiness_is_a_bare_status()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Feed:FeedUrl"] = rig.Register.FeedUrl.ToString(),
            ["Feed:CachePath"] = Path.Combine(Path.GetTempPath(), $"gateway-prod-{Guid.NewGuid():N}.json"),
            ["Identity:Authority"] = rig.Issuer.Issuer,
            ["Identity:ClientId"] = "federation-gateway",
            ["Identity:ClientSecret"] = "test-client-secret",
        };
        using var production = new GatewayHost(settings, environment: "Production");
        using var client = new HttpClient { BaseAddress = production.Start() };

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.DoesNotContain("checks", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }
}
