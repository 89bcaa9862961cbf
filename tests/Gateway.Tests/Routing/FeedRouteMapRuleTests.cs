using Federation.Core.Feed;
using Federation.Gateway.Routing;

namespace Federation.Gateway.Tests.Routing;

/// <summary>The gateway applies the register's path rule and reports what it cannot route instead of dropping it in silence.</summary>
public sealed class FeedRouteMapRuleTests
{
    private static FeedSystem System(string id, string path, string upstream = "http://127.0.0.1:5400") =>
        new(id, id, LifecyclePhase.AnvandningOchSupport, new FeedAccessPolicy([], [], [], "loa2"), [],
            Backend: new FeedBackend(path, [upstream], "/health"));

    [Fact]
    public void A_backend_the_rule_refuses_gets_no_route_and_is_reported_while_the_others_route()
    {
        var feed = new FederationFeed(7, DateTimeOffset.UtcNow,
        [
            System("procapita", "/procapita"),
            System("gw3", "/gw3/../procapita"),
            System("eget", "/health"),
            System("fragment", "/fragment", "http://127.0.0.1:5401/#x"),
        ]);

        var (routes, clusters) = FeedRouteMap.Build(feed, new GatewayOptions());

        Assert.Equal(["system-procapita"], routes.Select(r => r.RouteId));
        Assert.Single(clusters);
        var unroutable = FeedRouteMap.Unroutable(feed);
        Assert.Equal(["gw3", "eget", "fragment"], unroutable.Select(u => u.SystemId));
        Assert.Contains("Dot segments", unroutable[0].Problem, StringComparison.Ordinal);
    }
}
