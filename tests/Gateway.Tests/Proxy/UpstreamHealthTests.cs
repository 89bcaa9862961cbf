using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Proxy;

/// <summary>Backends go down and come back; callers get a clear answer meanwhile.</summary>
public sealed class UpstreamHealthTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    private string Token() => rig.Issuer.Mint("anna.larare", roles: ["larare"], schoolUnits: [DemoFeed.Bjorkskolan]);

    [Fact]
    public async Task A_dead_backend_gives_503_to_programs_and_people_and_traffic_returns_by_itself()
    {
        using var api = rig.Client(Token());
        using var browser = rig.Client(Token(), browser: true);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/bjork/")).StatusCode);

        await rig.BackendA.StopAsync();
        try
        {
            var problem = await api.GetAsync("/bjork/");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, problem.StatusCode);
            Assert.Equal("application/problem+json", problem.Content.Headers.ContentType!.MediaType);
            Assert.Equal("upstream-unavailable", (await problem.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
            Assert.NotNull(problem.Headers.RetryAfter);

            var page = await browser.GetAsync("/bjork/");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Contains("System bjork är inte tillgängligt just nu", await page.Content.ReadAsStringAsync());
        }
        finally
        {
            await rig.BackendA.RestartAsync();
        }

        await Loopback.EventuallyAsync(async () => (await api.GetAsync("/bjork/")).StatusCode == HttpStatusCode.OK, "traffic back on A");
    }

    [Fact]
    public async Task Traffic_leaves_a_dead_upstream_of_a_pair_and_comes_back_to_it()
    {
        using var client = rig.Client(Token());
        await rig.BackendB.StopAsync();
        try
        {
            // Health checks take B out: then every request is served by A.
            await Loopback.EventuallyAsync(async () =>
            {
                for (var i = 0; i < 6; i++)
                {
                    if ((await client.GetAsync("/pair/")).StatusCode != HttpStatusCode.OK)
                    {
                        return false;
                    }
                }
                return true;
            }, "only A serving");
        }
        finally
        {
            await rig.BackendB.RestartAsync();
        }

        // Within a few reactivation periods (1 s here), not YARP's one-minute passive detection window.
        await Loopback.EventuallyAsync(async () =>
            (await client.GetFromJsonAsync<EchoResponse>("/pair/"))!.Backend == "B", "B back in rotation", seconds: 15);
    }
}
