using System.Net;
using System.Net.Http.Json;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Routing;

/// <summary>The register changes; the running gateway follows without a restart.</summary>
public sealed class ReloadTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    private HttpClient Client() => rig.Client(rig.Issuer.Mint("anna.larare", roles: ["larare"], schoolUnits: [DemoFeed.Bjorkskolan]));

    [Fact]
    public async Task A_system_added_in_the_register_is_served_without_a_restart()
    {
        using var client = Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/nytt-system/")).StatusCode);

        await rig.PublishAsync(f => f.With(DemoFeed.System("nytt", "/nytt-system", [rig.BackendB.Address], DemoFeed.Anyone)));

        await Loopback.EventuallyAsync(async () => (await client.GetAsync("/nytt-system/")).StatusCode == HttpStatusCode.OK, "new route served");
        Assert.Equal("B", (await client.GetFromJsonAsync<EchoResponse>("/nytt-system/"))!.Backend);
    }

    [Fact]
    public async Task A_changed_policy_applies_to_the_next_request()
    {
        using var client = rig.Client(rig.Issuer.Mint("elin.elev", roles: ["elev"]));
        await rig.PublishAsync(f => f.With(DemoFeed.System("policyandras", "/policyandras", [rig.BackendA.Address], DemoFeed.Anyone)));
        await Loopback.EventuallyAsync(async () => (await client.GetAsync("/policyandras/")).StatusCode == HttpStatusCode.OK, "route served");

        await rig.PublishAsync(f => f.With(DemoFeed.System("policyandras", "/policyandras", [rig.BackendA.Address], DemoFeed.Anyone with { Roles = ["rektor"] })));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/policyandras/")).StatusCode);
    }

    [Fact]
    public async Task Changing_the_register_under_load_fails_no_request()
    {
        using var client = Client();
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var succeeded = 0;

        async Task Load(string path)
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync(path, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    lock (failures)
                    {
                        failures.Add($"{path}: {(int)response.StatusCode}");
                    }
                }
            }
        }

        var workers = new[] { Load("/echo/a"), Load("/echo/b"), Load("/pair/"), Load("/bjork/x") }
            .Select(t => Task.Run(() => t)).ToArray();
        var a = rig.BackendA.Address;
        var b = rig.BackendB.Address;
        Uri[][] upstreams = [[b], [a, b], [a], [b, a], [a]];
        foreach (var set in upstreams)
        {
            await rig.PublishAsync(f => f
                .With(f.Get("echo") with { Backend = f.Get("echo").Backend! with { Upstreams = set.Select(u => u.ToString()).ToArray() } })
                .With(f.Get("pair") with { Release = ["given_name", "roles"] })
                .With(DemoFeed.System("tillfalligt" + set.Length, "/tillfalligt" + set.Length, set, DemoFeed.Anyone)));
            // Requests run on every configuration: a few complete on this one before the next change.
            var before = Volatile.Read(ref succeeded);
            await Eventually.TrueAsync(() => Volatile.Read(ref succeeded) >= before + 8 || failures.Count > 0, what: "requests on the new configuration");
        }
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Empty(failures);
        Assert.True(succeeded > 20, $"only {succeeded} requests ran during the changes");
    }
}
