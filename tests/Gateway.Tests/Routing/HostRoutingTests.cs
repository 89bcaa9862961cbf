using System.Net;
using System.Net.Http.Json;
using Federation.Core.Feed;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Routing;

/// <summary>
/// Origin isolation: a system registered with a host name of its own is served only on that host,
/// and no other system is served there (a backend's script then shares an origin with nobody).
/// </summary>
public sealed class HostRoutingTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    private const string OwnHost = "isolerad.skola.test";

    private HttpClient Client(string? host = null)
    {
        var client = rig.Client(rig.Issuer.Mint("anna.larare", roles: ["larare"], schoolUnits: [DemoFeed.Bjorkskolan]));
        if (host is not null)
        {
            // The gateway listens on 127.0.0.1; the Host header is what names the site.
            client.DefaultRequestHeaders.Host = $"{host}:{rig.GatewayAddress.Port}";
        }
        return client;
    }

    private Task<FederationFeed> PublishIsolatedAsync() => rig.PublishAsync(f => f.With(
        DemoFeed.System("isolerad", "/isolerad", [rig.BackendA.Address], DemoFeed.Anyone) with
        {
            Backend = new FeedBackend("/isolerad", [rig.BackendA.Address.ToString()], "/health", PublicHost: OwnHost),
        }));

    [Fact]
    public async Task A_system_with_its_own_host_is_served_there_and_only_there()
    {
        await PublishIsolatedAsync();
        using var own = Client(OwnHost);
        using var shared = Client();

        await Loopback.EventuallyAsync(async () => (await own.GetAsync("/isolerad/")).StatusCode == HttpStatusCode.OK, "served on its own host");
        Assert.Equal("/", (await own.GetFromJsonAsync<EchoResponse>("/isolerad/"))!.Path);

        // Not on the gateway's shared host: the route does not match there.
        Assert.Equal(HttpStatusCode.NotFound, (await shared.GetAsync("/isolerad/")).StatusCode);
    }

    [Fact]
    public async Task No_other_system_is_served_on_a_host_that_belongs_to_one()
    {
        await PublishIsolatedAsync();
        using var own = Client(OwnHost);
        using var shared = Client();
        await Loopback.EventuallyAsync(async () => (await own.GetAsync("/isolerad/")).StatusCode == HttpStatusCode.OK, "served on its own host");

        Assert.Equal(HttpStatusCode.OK, (await shared.GetAsync("/echo/")).StatusCode);
        var elsewhere = await own.GetAsync("/echo/");

        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Contains("not-on-this-host", await elsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
