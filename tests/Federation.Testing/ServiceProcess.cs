using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Federation.Testing;

/// <summary>One service of the federation, started as its own process from its built dll.</summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    /// <summary>A cold start on a loaded 2-core machine (JIT, migrations) can take a minute; the wait ends at the event, not at the bound.</summary>
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(3);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Everything the service wrote to stdout and stderr so far, line by line.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>
    /// A port for a service whose own address is part of another's configuration before it starts
    /// (an issuer). Another process could take it in between; <see cref="StartAsync"/> then fails
    /// with a <see cref="SocketException"/> inside, which <see cref="Loopback.StartOnFreePortAsync{T}"/>
    /// retries on. Prefer port 0 where the address is not needed up front.
    /// </summary>
    public static int FreePort() => Loopback.CandidatePort();

    /// <summary>
    /// The dll under <c>&lt;project&gt;/bin/&lt;configuration&gt;/net10.0/</c>: the configuration these tests
    /// were built in first (the project references build it), then Release, then Debug.
    /// </summary>
    public static string LocateDll(string projectDirectory, string dllName)
    {
        var root = RepositoryRoot();
        var own = typeof(ServiceProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var candidates = new[] { own, "Release", "Debug" }.Distinct()
            .Select(c => Path.Combine(root, projectDirectory, "bin", c, "net10.0", dllName)).ToList();
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"{dllName} is not built; looked for {string.Join(", ", candidates)}. Build the solution first (dotnet build -c Release).");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Federation.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Federation.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Starts <paramref name="dll"/> on 127.0.0.1:<paramref name="port"/> (0: the port Kestrel reports it got)
    /// and returns once <paramref name="healthPath"/> answers. The environment defaults to Development;
    /// <paramref name="environment"/> may set ASPNETCORE_ENVIRONMENT and any setting.
    /// </summary>
    public static Task<ServiceProcess> StartAsync(string name, string dll, int port, IDictionary<string, string> environment,
        string healthPath = "health/live", IEnumerable<string>? arguments = null) =>
        StartProcessAsync(name, StartInfo(dll, port, environment, arguments), port, healthPath);

    /// <summary>
    /// Starts a Node program (<paramref name="script"/>, relative to the repository root) that prints
    /// Kestrel's "Now listening on: …" line once it listens, on a port the OS chooses (<c>PORT=0</c>).
    /// </summary>
    public static Task<ServiceProcess> StartNodeAsync(string name, string script, IDictionary<string, string> environment, string healthPath = "health/live")
    {
        var path = Path.Combine(RepositoryRoot(), script);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(path)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(path);
        start.Environment["PORT"] = "0";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        return StartProcessAsync(name, start, 0, healthPath);
    }

    private static async Task<ServiceProcess> StartProcessAsync(string name, ProcessStartInfo start, int port, string healthPath)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, process);
        if (port != 0)
        {
            service._listening.TrySetResult(new Uri($"http://127.0.0.1:{port}/"));
        }
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.Exited += (_, _) => service._listening.TrySetException(new InvalidOperationException($"{name} exited before it listened."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await service.WaitUntilLiveAsync(healthPath);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>
    /// Starts <paramref name="dll"/> (on a port the OS chooses) for a service expected to refuse to
    /// start, and waits, bounded, until it exits by itself. A service still running after the bound is killed.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(string name, string dll, IDictionary<string, string> environment,
        IEnumerable<string>? arguments = null)
    {
        using var process = new Process { StartInfo = StartInfo(dll, 0, environment, arguments) };
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var bound = new CancellationTokenSource(StartBound);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{name} kept running. Output:\n" + string.Join('\n', output));
        }
        process.WaitForExit(); // flushes the redirected output
        return (process.ExitCode, string.Join('\n', output));
    }

    private static ProcessStartInfo StartInfo(string dll, int port, IDictionary<string, string> environment, IEnumerable<string>? arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            // The content root (appsettings*.json) is the working directory.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // "Now listening on: …" is how a service on port 0 tells its address.
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        if (ListeningOn().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
        }
    }

    private async Task WaitUntilLiveAsync(string healthPath)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            BaseAddress = await _listening.Task.WaitAsync(StartBound);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw Failed($"{Name} did not listen{Exit()}: {e.Message}", e);
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (clock.Elapsed < StartBound)
        {
            if (_process.HasExited)
            {
                throw Failed($"{Name}{Exit()}", null);
            }
            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, healthPath));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} did not answer /{healthPath} within {StartBound.TotalSeconds} s:\n{string.Join('\n', Output.TakeLast(40))}");
    }

    /// <summary>
    /// Why the start failed, with the service's last lines; a port taken by another process is
    /// told by a <see cref="SocketException"/> inside, which <see cref="Loopback.StartOnFreePortAsync{T}"/> retries on.
    /// </summary>
    private InvalidOperationException Failed(string what, Exception? cause)
    {
        var output = Output;
        var inUse = output.Any(l => l.Contains("address already in use", StringComparison.OrdinalIgnoreCase));
        return new InvalidOperationException($"{what}:\n{string.Join('\n', output.TakeLast(40))}",
            inUse ? new SocketException((int)SocketError.AddressAlreadyInUse) : cause);
    }

    private string Exit() => _process.HasExited ? $" (exited with {_process.ExitCode})" : "";

    /// <summary>SIGKILL: no shutdown hooks, no flushing, like a power cut for the process.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"{Name} did not exit within 30 s of SIGKILL.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(bound.Token);
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
