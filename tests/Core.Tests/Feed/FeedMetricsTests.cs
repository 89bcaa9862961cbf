using System.Diagnostics.Metrics;
using Federation.Core.Feed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Federation.Core.Tests.Feed;

/// <summary>The feed age an operator's "feed stale" alert reads: time since the register last confirmed the feed.</summary>
public sealed class FeedMetricsTests
{
    [Fact]
    public void The_age_counts_from_the_registers_last_answer_and_from_start_before_the_first()
    {
        var time = new SteppedTime(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var feed = new HeldFeed();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _ = new FeedMetrics(services.GetRequiredService<IMeterFactory>(), feed, time);

        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(180, Observe("federation.feed.age"), 3);
        Assert.True(double.IsNaN(Observe("federation.feed.version")), "no version is reported before a feed is held");

        feed.Confirm(new FederationFeed(42, time.GetUtcNow(), []), time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(20, Observe("federation.feed.age"), 3);
        Assert.Equal(42, Observe("federation.feed.version"));

        // The register stops answering: the held feed grows old.
        time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(920, Observe("federation.feed.age"), 3);

        double Observe(string name)
        {
            var value = double.NaN;
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FeedMetrics.MeterName && instrument.Name == name && instrument.Meter.Scope == services.GetRequiredService<IMeterFactory>())
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((_, v, _, _) => value = v);
            listener.SetMeasurementEventCallback<long>((_, v, _, _) => value = v);
            listener.Start();
            listener.RecordObservableInstruments();
            return value;
        }
    }

    private sealed class SteppedTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class HeldFeed : IFederationFeedSource
    {
        public FederationFeed? Current { get; private set; }

        public DateTimeOffset? LastSuccess { get; private set; }

        public string? LastError => null;

        public IChangeToken GetChangeToken() => new CancellationChangeToken(CancellationToken.None);

        public Task<FederationFeed> WaitForFirstAsync(CancellationToken cancellationToken) => Task.FromResult(Current!);

        public void Confirm(FederationFeed feed, DateTimeOffset at) => (Current, LastSuccess) = (feed, at);
    }
}
