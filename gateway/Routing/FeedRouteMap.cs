using Federation.Core.Feed;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Federation.Gateway.Routing;

/// <summary>
/// Turns the register's feed into YARP routes and clusters. Pure, so what a feed becomes can
/// be read and tested without a proxy. One route and one cluster per system with a backend:
/// <c>{PublicPath}/{**rest}</c> with the prefix removed (the backend sees <c>/rest</c> and
/// learns the prefix from <c>X-Forwarded-Prefix</c>).
/// </summary>
public static class FeedRouteMap
{
    public const string SystemMetadataKey = "federation.system";

    /// <summary>Paths that belong to the gateway itself; a system cannot claim them.</summary>
    private static readonly string[] ReservedPaths =
        ["/health", "/metrics", "/signin-oidc", "/signout-callback-oidc", "/account", "/_gateway"];

    public static bool IsRoutable(FeedSystem system) =>
        system.Backend is { } backend
        && system.Lifecycle != LifecyclePhase.Avvecklad
        && backend.Upstreams.Count > 0
        && IsValidPublicPath(backend.PublicPath);

    public static bool IsValidPublicPath(string path) =>
        path.Length > 1
        && path[0] == '/'
        && !path.Contains('{')
        && !ReservedPaths.Any(r => path.TrimEnd('/').Equals(r, StringComparison.OrdinalIgnoreCase)
                                   || path.StartsWith(r + "/", StringComparison.OrdinalIgnoreCase));

    public static string RouteId(string systemId) => "system-" + systemId;

    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(
        FederationFeed? feed, GatewayOptions options)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var system in feed?.Systems ?? [])
        {
            if (!IsRoutable(system))
            {
                continue;
            }
            var backend = system.Backend!;
            var prefix = backend.PublicPath.TrimEnd('/');
            var id = RouteId(system.Id);
            routes.Add(new RouteConfig
            {
                RouteId = id,
                ClusterId = id,
                Match = new RouteMatch { Path = prefix + "/{**rest}" },
                Metadata = new Dictionary<string, string> { [SystemMetadataKey] = system.Id },
                Transforms = [new Dictionary<string, string> { ["PathRemovePrefix"] = prefix }],
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = id,
                LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                Destinations = backend.Upstreams
                    .Select((address, i) => (address, i))
                    .ToDictionary(d => "upstream-" + d.i, d => new DestinationConfig { Address = d.address }),
                HealthCheck = new HealthCheckConfig
                {
                    AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyAndUnknown,
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = backend.HealthPath is not null,
                        Path = backend.HealthPath,
                        Interval = options.HealthCheckInterval,
                        Timeout = options.HealthCheckTimeout,
                        Policy = "ConsecutiveFailures",
                    },
                    Passive = new PassiveHealthCheckConfig
                    {
                        Enabled = true,
                        Policy = "TransportFailureRate",
                        ReactivationPeriod = options.ReactivationPeriod,
                    },
                },
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = options.ActivityTimeout },
                Metadata = new Dictionary<string, string>
                {
                    [SystemMetadataKey] = system.Id,
                    // Two failed probes in a row: one slow probe under load must not take a system down.
                    [ConsecutiveFailuresHealthPolicyOptions.ThresholdMetadataName] = "2",
                },
            });
        }
        return (routes, clusters);
    }
}
