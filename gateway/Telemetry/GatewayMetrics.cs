using System.Diagnostics;
using System.Diagnostics.Metrics;
using Federation.Core.Access;
using Federation.Gateway.Routing;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Federation.Gateway.Telemetry;

/// <summary>
/// Meter <c>Federation.Gateway</c>: proxied requests and their latency per system and status
/// class, policy decisions, sign-ins per system and outcome with their duration, each
/// upstream's health as a gauge (1 usable, 0 not), and the register's systems the gateway
/// cannot route (1 per system; their sum is the count).
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Federation.Gateway";
    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _signIns;
    private readonly Histogram<double> _signInDuration;

    public GatewayMetrics(IMeterFactory meterFactory, IProxyStateLookup proxyState, SystemDirectory directory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("federation.gateway.requests", "{request}", "Requests for systems behind the gateway.");
        _duration = meter.CreateHistogram<double>("federation.gateway.request.duration", "s", "Time from the gateway receiving a request for a system to its response.");
        _decisions = meter.CreateCounter<long>("federation.gateway.policy.decisions", "{decision}", "Access policy decisions by outcome and reason.");
        _signIns = meter.CreateCounter<long>("federation.gateway.sign_ins", "{sign-in}", "Sign-ins the gateway sent people on, by the system they were going to and outcome.");
        _signInDuration = meter.CreateHistogram<double>("federation.gateway.sign_in.duration", "s", "Time from sending a person to the idp to the completed callback, by system.");
        meter.CreateObservableGauge("federation.gateway.upstream.healthy", () => ObserveHealth(proxyState), "{upstream}",
            "1 when the upstream is healthy or not yet probed, 0 when health checks took it out.");
        meter.CreateObservableGauge("federation.gateway.routes.unroutable", () => ObserveUnroutable(directory), "{system}",
            "1 for each system of the register's feed that the gateway cannot route (see the log and /health/ready for why).");
    }

    public void RecordRequest(string system, int status, TimeSpan elapsed)
    {
        var tags = new TagList { { "system", system }, { "status_class", StatusClass(status) } };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    public void RecordDecision(string system, AccessDecision decision)
    {
        _decisions.Add(1, new TagList
        {
            { "system", system },
            { "outcome", decision.Outcome.ToString() },
            { "reason", decision.ReasonCode ?? "none" },
        });
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("federation.system", system);
            activity.SetTag("federation.policy.outcome", decision.Outcome.ToString());
        }
    }

    /// <summary>A sign-in that came back to the callback: <c>success</c>, or why it failed (e.g. <c>access_denied</c>).</summary>
    public void RecordSignIn(string system, string outcome, TimeSpan? elapsed)
    {
        var tags = new TagList { { "system", system }, { "outcome", outcome } };
        _signIns.Add(1, tags);
        if (elapsed is { } duration && outcome == "success")
        {
            _signInDuration.Record(duration.TotalSeconds, new TagList { { "system", system } });
        }
    }

    private static string StatusClass(int status) => status switch
    {
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    private static IEnumerable<Measurement<int>> ObserveUnroutable(SystemDirectory directory) =>
        FeedRouteMap.Unroutable(directory.Current.Feed)
            .Select(u => new Measurement<int>(1, new KeyValuePair<string, object?>("system", u.SystemId)));

    private static IEnumerable<Measurement<int>> ObserveHealth(IProxyStateLookup proxyState)
    {
        foreach (var cluster in proxyState.GetClusters())
        {
            var system = cluster.Model.Config.Metadata?.GetValueOrDefault(FeedRouteMap.SystemMetadataKey) ?? cluster.ClusterId;
            foreach (var destination in cluster.Destinations.Values)
            {
                var healthy = destination.Health.Active != DestinationHealth.Unhealthy
                              && destination.Health.Passive != DestinationHealth.Unhealthy;
                yield return new Measurement<int>(healthy ? 1 : 0,
                    new KeyValuePair<string, object?>("system", system),
                    new KeyValuePair<string, object?>("upstream", destination.Model.Config.Address));
            }
        }
    }
}
