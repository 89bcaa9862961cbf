using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Federation.Inventory.Tests.Support;

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

    /// <summary>The audit key the test processes use (Production needs one; it is no demo value).</summary>
    public const string AuditKey = "inventory-tests-audit-key-0123456789abcdef";

    /// <summary>A SQLite register in Production, with the demo register asked for (the tests write next to it).</summary>
    public static Task<InventoryProcess> StartAsync(string database, string authority) =>
        StartAsync(authority, "--Database:Provider=sqlite", $"--Database:ConnectionString=Data Source={database}", "--Database:SeedDemo=true");

    /// <summary>The register in Production with these extra <c>--Key=value</c> settings; returns when it is ready.</summary>
    public static async Task<InventoryProcess> StartAsync(string authority, params string[] settings)
    {
        var (process, address) = Launch(authority, settings);
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

    /// <summary>Starts the register with these settings and waits (bounded) for it to exit by itself.</summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(string authority, params string[] settings)
    {
        var (process, _) = Launch(authority, settings);
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The register kept running. Output:\n" + string.Join('\n', output));
        }

        process.WaitForExit(); // flushes the redirected output
        var exitCode = process.ExitCode;
        process.Dispose();
        return (exitCode, string.Join('\n', output));
    }

    private static (Process Process, Uri Address) Launch(string authority, string[] settings)
    {
        var dll = FindInventoryDll();
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--urls", address.ToString(), "--contentRoot", Path.GetDirectoryName(dll)!, $"--Auth:Authority={authority}" }
                     .Concat(settings.Any(s => s.StartsWith("--Audit:Key=", StringComparison.Ordinal)) ? [] : [$"--Audit:Key={AuditKey}"])
                     .Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return (Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."), address);
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
