using System.Net;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Routing;

/// <summary>The register is down: the gateway keeps its last good feed, on disk too, and says it is not ready.</summary>
public sealed class RegisterOutageTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    [Fact]
    public async Task Keeps_serving_and_reports_not_ready_while_the_register_is_down_then_starts_from_the_kept_feed()
    {
        using var client = rig.Client(rig.Issuer.Mint("anna.larare", roles: ["larare"]));
        using var operations = rig.ManagementClient();
        await Loopback.EventuallyAsync(async () => (await operations.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "ready");
        Assert.True(File.Exists(rig.CachePath));

        rig.Register.Down = true;
        rig.Register.Publish(f => f with { }); // ends the long-poll, so the next poll meets the outage
        await Loopback.EventuallyAsync(async () => (await operations.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, "not ready");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/echo/")).StatusCode);

        // A restart while the register is still unreachable: start from the kept feed.
        rig.StopGateway();
        using var unreachable = new ClosedPort();
        rig.StartGateway(unreachable.Url("/api/federation/feed"));
        using var restarted = rig.Client(rig.Issuer.Mint("anna.larare", roles: ["larare"]));
        Assert.Equal(HttpStatusCode.OK, (await restarted.GetAsync("/echo/")).StatusCode);
        using var restartedOperations = rig.ManagementClient();
        var ready = await restartedOperations.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("kept feed", await ready.Content.ReadAsStringAsync());
    }
}
