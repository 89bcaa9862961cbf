using System.Net;
using Federation.Core.Integration;
using Federation.Gateway.Tests.Infrastructure;
using Yarp.ReverseProxy;

namespace Federation.Gateway.Tests.Routing;

/// <summary>
/// The gateway's own paths (health, metrics, sign-in callbacks, the portal) cannot be claimed by a
/// system: a feed that offers one anyway gets no route there, and the gateway keeps answering them.
/// </summary>
public sealed class ReservedPathTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    [Fact]
    public async Task A_system_at_a_reserved_path_gets_no_route_and_no_request_while_a_lookalike_path_is_routed()
    {
        await using var backend = await TestBackend.StartAsync("inkräktare", GatewayRig.SigningKey);
        var reserved = IntegrationRules.GatewayReservedPaths;
        await rig.PublishAsync(feed =>
        {
            foreach (var (path, i) in reserved.Select((p, i) => (p, i)))
            {
                feed = feed.With(DemoFeed.System("reserverad" + i, path, [backend.Address], DemoFeed.Anyone));
            }
            // The control: a path that only starts like a reserved one is an ordinary system.
            return feed.With(DemoFeed.System("halsovard", "/healthcare", [backend.Address], DemoFeed.Anyone));
        });
        var routes = rig.GatewayServices.GetRequiredService<IProxyStateLookup>();
        await Eventually.TrueAsync(() => routes.TryGetRoute("system-halsovard", out _), what: "the control routed");
        using var client = rig.Client(rig.Issuer.Mint("anna.larare", roles: ["larare"]));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthcare/")).StatusCode);
        var control = backend.Requests;
        Assert.Equal(1, control);
        foreach (var (path, i) in reserved.Select((p, i) => (p, i)))
        {
            Assert.False(routes.TryGetRoute("system-reserverad" + i, out _), path);
            using var response = await client.GetAsync(path + "/anything");
            Assert.Equal(control, backend.Requests);
        }
        // The gateway's own endpoints still answer as the gateway's.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(control, backend.Requests);
    }
}
