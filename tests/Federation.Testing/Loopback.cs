using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Federation.Testing;

/// <summary>Servers on 127.0.0.1 on ports the OS chooses.</summary>
public static class Loopback
{
    /// <summary>A slim app on 127.0.0.1 with the given port (0: the OS chooses; read it with AddressOf after start).</summary>
    public static WebApplication CreateApp(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    /// <summary>The address a started app listens on, with the port the OS gave it.</summary>
    public static Uri AddressOf(WebApplication app) => AddressOf(app.Services);

    public static Uri AddressOf(IServiceProvider services) =>
        new(services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="what"/> after a bound generous enough for a loaded CI machine.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 60) =>
        Eventually.TrueAsync(condition, seconds, what);

    /// <summary>
    /// Starts a server whose own address is part of its configuration (an issuer, a SAML entity id),
    /// so it cannot listen on port 0: a port the OS just handed out is tried, and if another process
    /// took it in between, the next one. <paramref name="start"/> must clean up after a failed start.
    /// </summary>
    public static async Task<T> StartOnFreePortAsync<T>(Func<int, Task<T>> start, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(CandidatePort());
            }
            catch (Exception e) when (attempt < attempts && IsAddressInUse(e))
            {
                // taken between the OS's answer and our bind: ask again
            }
        }
    }

    /// <summary>A port the OS considers free right now; only for <see cref="StartOnFreePortAsync{T}"/> and tools that cannot be told port 0.</summary>
    public static int CandidatePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsAddressInUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse))
            {
                return true;
            }
        }
        return false;
    }
}
