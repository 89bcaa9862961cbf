using System.Net;
using Federation.Idp.Tests.Infrastructure;

namespace Federation.Idp.Tests;

/// <summary>The probes a platform asks: alive, and ready (database and feed).</summary>
public sealed class HealthTests(IdpHost idp) : IClassFixture<IdpHost>
{
    [Fact]
    public async Task Ready_and_live_answer_healthy_once_the_database_and_the_feed_are_there()
    {
        using var http = new HttpClient { BaseAddress = idp.BaseAddress };
        using var operations = idp.CreateManagementClient();

        using var ready = await operations.GetAsync("/health/ready");
        using var live = await http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("Healthy", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        // Details and metrics are the operators', not the internet's.
        using var publicReady = await http.GetAsync("/health/ready");
        using var publicMetrics = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, publicReady.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, publicMetrics.StatusCode);
    }
}
