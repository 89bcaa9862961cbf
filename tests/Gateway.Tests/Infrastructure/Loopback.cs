using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Federation.Gateway.Tests.Infrastructure;

internal static class Loopback
{
    /// <summary>A slim app on 127.0.0.1 with the given port (0: any free one).</summary>
    public static WebApplication CreateApp(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    /// <summary>A port nothing listens on right now (for a server that must know its port before it starts).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="what"/> after a bound generous enough for a loaded CI machine.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail("Timed out waiting for: " + what);
            }
            await Task.Delay(100);
        }
    }
}
