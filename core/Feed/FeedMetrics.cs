using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace Federation.Core.Feed;

/// <summary>
/// Meter <c>Federation.Feed</c>, one per consumer of the register's feed (the idp, the gateway):
/// how old the feed it holds is, as the time since the register last confirmed it (a 200 or a 304),
/// and which version it is. Tag <c>consumer</c> is the service's application name.
/// </summary>
public sealed class FeedMetrics
{
    public const string MeterName = "Federation.Feed";

    public FeedMetrics(IMeterFactory meterFactory, IFederationFeedSource feed, TimeProvider time, IHostEnvironment? environment = null)
    {
        var started = time.GetUtcNow();
        var consumer = new KeyValuePair<string, object?>("consumer", environment?.ApplicationName ?? AppDomain.CurrentDomain.FriendlyName);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("federation.feed.age",
            () => new Measurement<double>((time.GetUtcNow() - (feed.LastSuccess ?? started)).TotalSeconds, consumer),
            unit: "s", description: "Seconds since the register last confirmed the feed this consumer holds (since start when it never has)");
        meter.CreateObservableGauge("federation.feed.version",
            () => feed.Current is { } current ? [new Measurement<long>(current.Version, consumer)] : Array.Empty<Measurement<long>>(),
            unit: "{version}", description: "The register version of the feed this consumer holds");
    }
}
