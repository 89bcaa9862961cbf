using Federation.Core.Feed;
using Federation.Core.Integration;
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

    public static bool IsRoutable(FeedSystem system) =>
        system.Backend is not null
        && system.Lifecycle != LifecyclePhase.Avvecklad
        && RouteProblem(system) is null;

    /// <summary>
    /// Why the backend of a system cannot become a route, by the rules the register checks too
    /// (<see cref="IntegrationRules"/>); null when it can, or when it has no backend.
    /// </summary>
    public static string? RouteProblem(FeedSystem system)
    {
        if (system.Backend is not { } backend)
        {
            return null;
        }

        if (IntegrationRules.GatewayPathProblem(backend.PublicPath) is { } path)
        {
            return $"public path '{backend.PublicPath}': {path}";
        }

        if (backend.Upstreams.Count == 0)
        {
            return "no upstream address";
        }

        if (backend.Upstreams.FirstOrDefault(u => IntegrationRules.UpstreamProblem(u) is not null) is { } upstream)
        {
            return $"upstream '{upstream}': {IntegrationRules.UpstreamProblem(upstream)}";
        }

        if (backend.PublicHost is not null && IntegrationRules.PublicHostProblem(backend.PublicHost) is { } host)
        {
            return $"public host '{backend.PublicHost}': {host}";
        }

        return backend.HealthPath is not null && IntegrationRules.HealthPathProblem(backend.HealthPath) is { } health
            ? $"health path '{backend.HealthPath}': {health}"
            : null;
    }

    /// <summary>Systems with a live backend the gateway cannot route, and why.</summary>
    public static IReadOnlyList<(string SystemId, string Problem)> Unroutable(FederationFeed? feed) =>
        (feed?.Systems ?? [])
            .Where(s => s.Lifecycle != LifecyclePhase.Avvecklad && RouteProblem(s) is not null)
            .Select(s => (s.Id, RouteProblem(s)!))
            .ToList();

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
                // A system on its own host is matched on that host only; the gate keeps the others off it.
                Match = new RouteMatch { Path = prefix + "/{**rest}", Hosts = backend.PublicHost is { } host ? [host] : null },
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
