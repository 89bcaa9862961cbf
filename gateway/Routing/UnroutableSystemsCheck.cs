using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Federation.Gateway.Routing;

/// <summary>
/// Degraded, not unhealthy, while the feed holds systems the gateway cannot route: every other
/// system is served, so the replica stays in rotation, but an operator sees which and why.
/// </summary>
internal sealed class UnroutableSystemsCheck(SystemDirectory directory) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var unroutable = FeedRouteMap.Unroutable(directory.Current.Feed);
        return Task.FromResult(unroutable.Count == 0
            ? HealthCheckResult.Healthy("every system in the feed is routed")
            : HealthCheckResult.Degraded("no route for " + string.Join("; ", unroutable.Select(u => $"{u.SystemId} ({u.Problem})"))));
    }
}
