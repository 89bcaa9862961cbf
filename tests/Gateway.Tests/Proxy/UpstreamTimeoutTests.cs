using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Federation.Core.Feed;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Proxy;

/// <summary>A gateway that gives up on a silent backend after one second instead of thirty.</summary>
public sealed class ShortTimeoutGatewayRig : GatewayRig
{
    protected override void Configure(Dictionary<string, string?> settings) =>
        settings["Gateway:ActivityTimeout"] = "00:00:01";
}

/// <summary>
/// A backend that takes the connection and never answers is a 504 after the activity timeout; one
/// that refuses the connection is a 503 at once. Status codes only: how long either takes is the
/// configuration's business, not a test's.
/// </summary>
public sealed class UpstreamTimeoutTests(ShortTimeoutGatewayRig rig) : IClassFixture<ShortTimeoutGatewayRig>
{
    private string Token() => rig.Issuer.Mint("anna.larare", roles: ["larare"]);

    /// <summary>No health path: the probes must not take the backend out before the request meets it.</summary>
    private static FeedSystem Unprobed(string id, Uri upstream) =>
        DemoFeed.System(id, "/" + id, [upstream], DemoFeed.Anyone) with
        {
            Backend = new FeedBackend("/" + id, [upstream.ToString()], HealthPath: null),
        };

    [Fact]
    public async Task A_backend_that_accepts_and_never_answers_is_504()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        using var stop = new CancellationTokenSource();
        // Accepts and holds every connection; reads nothing, writes nothing.
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptSocketAsync(stop.Token));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await rig.PublishAsync(feed => feed.With(Unprobed("tyst", new Uri($"http://127.0.0.1:{port}/"))));
        using var api = rig.Client(Token());

        using var response = await api.GetAsync("/tyst/");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream-timeout", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        Assert.NotEmpty(accepted);
        await stop.CancelAsync();
        await accepting;
        accepted.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_backend_that_refuses_the_connection_is_503_with_retry_after()
    {
        using var closed = new ClosedPort();
        await rig.PublishAsync(feed => feed.With(Unprobed("stangd", closed.Url())));
        using var api = rig.Client(Token());

        using var response = await api.GetAsync("/stangd/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("upstream-unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
