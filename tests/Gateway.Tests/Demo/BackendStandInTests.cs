extern alias demo;

using System.Net;
using System.Text.Json;
using Federation.Core.Feed;
using Federation.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using StandInProgram = demo::Program;

namespace Federation.Gateway.Tests.Demo;

/// <summary>The demo backend behind the gateway: it verifies what the gateway signs, and nothing else.</summary>
public sealed class BackendStandInTests(GatewayRig rig) : IClassFixture<GatewayRig>, IDisposable
{
    private readonly WebApplicationFactory<StandInProgram> _standIn = new WebApplicationFactory<StandInProgram>().WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Production");
        b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The rig's gateway signs every system with this key; the stand-in calls its system "procapita".
            ["Federation:SigningKey"] = GatewayRig.SigningKey,
            ["Federation:SystemId"] = "procapita",
        }));
    });

    private async Task<Uri> StartAsync()
    {
        _standIn.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _standIn.StartServer();
        var address = new Uri(_standIn.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        await rig.PublishAsync(f => f.With(new FeedSystem("procapita", "ProCapita Education", LifecyclePhase.AnvandningOchSupport,
            DemoFeed.Anyone with { Roles = ["skolsekreterare", "rektor"] }, ["name", "roles", "school_units", "eppn"],
            Backend: new FeedBackend("/procapita", [address.ToString()], "/health"))));
        return address;
    }

    [Fact]
    public async Task Shows_the_identity_it_received_through_the_gateway_as_verified()
    {
        var direct = await StartAsync();
        using var client = rig.Client(rig.Issuer.Mint("sara.sekreterare", roles: ["skolsekreterare"], schoolUnits: [DemoFeed.Bjorkskolan],
            extra: new Dictionary<string, object> { ["name"] = "Sara Sekreterare", ["eppn"] = "sara.sekreterare@skola.example.se" }));
        await Loopback.EventuallyAsync(async () => (await client.GetAsync("/procapita/api/whoami")).StatusCode == HttpStatusCode.OK, "routed");

        var identity = JsonDocument.Parse(await client.GetStringAsync("/procapita/api/whoami")).RootElement;
        var page = await rig.Client(client.DefaultRequestHeaders.Authorization!.Parameter, browser: true).GetStringAsync("/procapita/");
        using var stranger = new HttpClient { BaseAddress = direct };
        stranger.DefaultRequestHeaders.Add("X-Federation-Roles", "rektor");
        var forged = JsonDocument.Parse(await stranger.GetStringAsync("/api/whoami")).RootElement;

        Assert.True(identity.GetProperty("isValid").GetBoolean());
        Assert.Equal("Sara Sekreterare", identity.GetProperty("attributes").GetProperty("name")[0].GetString());
        Assert.Contains("Signaturen från porten stämmer", page);
        Assert.Contains("Sara Sekreterare", page);
        Assert.False(forged.GetProperty("isValid").GetBoolean());
    }

    public void Dispose() => _standIn.Dispose();
}
