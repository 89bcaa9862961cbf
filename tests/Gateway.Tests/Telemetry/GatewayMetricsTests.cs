using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Federation.Gateway.Telemetry;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Telemetry;

public sealed class GatewayMetricsTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    /// <summary>
    /// The listener hears every gateway in this process, and other test classes run theirs in
    /// parallel: only measurements tagged with a system no other test has count here.
    /// </summary>
    [Fact]
    public async Task Requests_latency_decisions_and_upstream_health_are_measured_per_system()
    {
        const string system = DemoFeed.MetricsOnly;
        await rig.PublishAsync(f => f.With(DemoFeed.System(system, "/" + system, [rig.BackendA.Address],
            DemoFeed.Anyone with { Roles = ["larare"] })));
        var seen = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, string?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            seen.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString())));
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        using var teacher = rig.Client(rig.Issuer.Mint("anna.larare", roles: ["larare"]));
        using var student = rig.Client(rig.Issuer.Mint("elin.elev", roles: ["elev"]));
        Assert.Equal(HttpStatusCode.OK, (await teacher.GetAsync($"/{system}/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await student.GetAsync($"/{system}/")).StatusCode);
        List<(string Instrument, double Value, Dictionary<string, string?> Tags)> Ours() =>
            seen.Where(m => m.Tags.GetValueOrDefault("system") == system).ToList();
        // The health gauge is read when observed; the checker may not have probed the new system yet.
        await Eventually.TrueAsync(() =>
        {
            listener.RecordObservableInstruments();
            return Ours().Any(m => m.Instrument == "federation.gateway.upstream.healthy" && m.Value == 1);
        }, what: "the new system's upstream reported healthy");

        var ours = Ours();
        Assert.Contains(ours, m => m.Instrument == "federation.gateway.requests" && m.Tags["status_class"] == "2xx");
        Assert.Contains(ours, m => m.Instrument == "federation.gateway.requests" && m.Tags["status_class"] == "4xx");
        Assert.Contains(ours, m => m.Instrument == "federation.gateway.request.duration" && m.Value > 0);
        Assert.Contains(ours, m => m.Instrument == "federation.gateway.policy.decisions" && m.Tags["reason"] == "role");
        Assert.Contains(ours, m => m.Instrument == "federation.gateway.upstream.healthy" && m.Value == 1);
    }

    [Fact]
    public async Task The_scrape_has_the_gateways_instruments_and_not_the_dropped_framework_duplicates()
    {
        using var teacher = rig.Client(rig.Issuer.Mint("anna.larare", roles: ["larare"]));
        Assert.Equal(HttpStatusCode.OK, (await teacher.GetAsync("/larare/")).StatusCode);

        using var scraper = rig.ManagementClient();
        var scrape = "";
        await Loopback.EventuallyAsync(async () =>
        {
            scrape = await scraper.GetStringAsync("/metrics");
            return scrape.Contains("federation_gateway_requests", StringComparison.Ordinal);
        }, "gateway instruments in the scrape");

        Assert.Contains("http_server_request_duration", scrape, StringComparison.Ordinal);
        Assert.DoesNotContain("http_server_active_requests", scrape, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", scrape, StringComparison.Ordinal);
    }
}
