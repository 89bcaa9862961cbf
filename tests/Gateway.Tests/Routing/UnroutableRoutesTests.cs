using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Federation.Gateway.Telemetry;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Routing;

/// <summary>
/// A system in the feed the gateway cannot route is not only logged: readiness says Degraded
/// naming it (the other systems are still served) and a metric counts it.
/// </summary>
public sealed class UnroutableRoutesTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    // Reserved for the gateway's own sign-in callback: the gateway refuses to route it.
    private const string Broken = "trasig-rutt";

    [Fact]
    public async Task An_unroutable_system_makes_readiness_degraded_naming_it_and_is_counted()
    {
        var seen = new ConcurrentBag<(int Value, string? System)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && instrument.Name == "federation.gateway.routes.unroutable")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
            seen.Add((value, tags.ToArray().FirstOrDefault(t => t.Key == "system").Value?.ToString())));
        listener.Start();
        using var scraper = rig.ManagementClient();
        Assert.Equal("Healthy", await RoutesCheckAsync(scraper, "status"));

        await rig.PublishAsync(f => f.With(DemoFeed.System(Broken, "/signin-oidc", [rig.BackendA.Address], DemoFeed.Anyone)));

        var ready = await scraper.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode); // still in rotation: the other systems work
        Assert.Equal("Degraded", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("Degraded", await RoutesCheckAsync(scraper, "status"));
        Assert.Contains(Broken, await RoutesCheckAsync(scraper, "description"), StringComparison.Ordinal);
        listener.RecordObservableInstruments();
        Assert.Contains((1, Broken), seen);
        using var client = rig.Client(rig.Issuer.Mint("anna.larare", roles: ["larare"]));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/echo/")).StatusCode);

        await rig.PublishAsync(f => f.Without(Broken));
        Assert.Equal("Healthy", await RoutesCheckAsync(scraper, "status"));
    }

    private static async Task<string?> RoutesCheckAsync(HttpClient scraper, string property)
    {
        var body = await scraper.GetFromJsonAsync<JsonElement>("/health/ready");
        return body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "routes").GetProperty(property).GetString();
    }
}
