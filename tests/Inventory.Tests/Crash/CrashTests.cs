using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.Crash;

/// <summary>
/// The register as a real process on SQLite, killed with SIGKILL in the middle of a burst of
/// writes: after a restart every write it acknowledged is there and the audit chain verifies.
/// </summary>
public sealed class CrashTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "federation-inventory-crash", Guid.NewGuid().ToString("N"));
    private TestIssuer issuer = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        issuer = await TestIssuer.Shared;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file the killed process held may linger a moment; the temp folder is cleaned anyway.
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_acknowledged_write_survives_kill_9_and_the_audit_chain_verifies()
    {
        var database = Path.Combine(folder, "inventory.db");
        var acknowledged = new ConcurrentBag<string>();

        await using (var first = await InventoryProcess.StartAsync(database, issuer.Authority))
        {
            using var admin = first.Client(issuer.Admin());
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var id = $"krasch-{w}-{i}";
                    try
                    {
                        var response = await admin.PostJson("/api/systems", Samples.System(id));
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged.Add(id);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // The server is gone.
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }
                }
            })).ToList();

            while (acknowledged.Count < 60)
            {
                await Task.Delay(20);
            }

            first.Kill(); // SIGKILL while the writers are still sending.
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        Assert.True(acknowledged.Count >= 60);
        await using var second = await InventoryProcess.StartAsync(database, issuer.Authority);
        using var reader = second.Client(issuer.Admin());
        foreach (var id in acknowledged)
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/systems/{id}")).StatusCode);
        }

        var verify = await (await reader.GetAsync("/api/audit/verify")).Read<JsonObject>();
        Assert.True(verify["valid"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.True(verify["entries"]!.GetValue<long>() >= acknowledged.Count);
    }
}

/// <summary>The built inventory started with <c>dotnet Federation.Inventory.dll</c> on a free loopback port.</summary>
public sealed class InventoryProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private InventoryProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<InventoryProcess> StartAsync(string database, string authority)
    {
        var dll = FindInventoryDll();
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     dll, "--urls", address.ToString(), "--contentRoot", Path.GetDirectoryName(dll)!,
                     "--Database:Provider=sqlite", $"--Database:ConnectionString=Data Source={database}",
                     $"--Auth:Authority={authority}",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var running = new InventoryProcess(process, address);
        process.OutputDataReceived += (_, e) => running.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => running.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Generous: on a loaded 2-core machine a cold start (JIT, migrations) can take a minute.
        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                break;
            }

            try
            {
                if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return running;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        await running.DisposeAsync();
        throw new InvalidOperationException($"The inventory did not become ready at {address}. Output:\n{string.Join('\n', running.output)}");
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, like a power cut for the process.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }

    /// <summary><c>inventory/bin/{Debug|Release}/net10.0/Federation.Inventory.dll</c>, built with this test project.</summary>
    private static string FindInventoryDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        for (var dir = testBin; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Federation.sln")))
            {
                var dll = Path.Combine(dir.FullName, "inventory", "bin", configuration, framework, "Federation.Inventory.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the inventory first: {dll} is missing.");
            }
        }

        throw new DirectoryNotFoundException("Federation.sln not found above " + testBin.FullName);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
