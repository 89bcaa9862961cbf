using System.Net.Http.Headers;

namespace Federation.Inventory.Tests.Support;

/// <summary>
/// The built register started as its own process in Production (<see cref="ServiceProcess"/>,
/// on a port the OS chooses), trusting the test's token issuer.
/// </summary>
public sealed class InventoryProcess : IAsyncDisposable
{
    private readonly ServiceProcess _service;

    private InventoryProcess(ServiceProcess service) => _service = service;

    public Uri Address => _service.BaseAddress;

    /// <summary>The audit key the test processes use (Production needs one; it is no demo value).</summary>
    public const string AuditKey = "inventory-tests-audit-key-0123456789abcdef";

    /// <summary>A SQLite register in Production, with the demo register asked for (the tests write next to it).</summary>
    public static Task<InventoryProcess> StartAsync(string database, string authority) =>
        StartAsync(authority, "--Database:Provider=sqlite", $"--Database:ConnectionString=Data Source={database}", "--Database:SeedDemo=true");

    /// <summary>The register in Production with these extra <c>--Key=value</c> settings; returns when it is ready.</summary>
    public static async Task<InventoryProcess> StartAsync(string authority, params string[] settings) =>
        new(await ServiceProcess.StartAsync("inventory", Dll(), port: 0, Production, healthPath: "health/ready", Arguments(authority, settings)));

    /// <summary>Starts the register with these settings and waits (bounded) for it to exit by itself.</summary>
    public static Task<(int ExitCode, string Output)> RunUntilExitAsync(string authority, params string[] settings) =>
        ServiceProcess.RunUntilExitAsync("inventory", Dll(), Production, Arguments(authority, settings));

    private static readonly Dictionary<string, string> Production = new(StringComparer.Ordinal) { ["ASPNETCORE_ENVIRONMENT"] = "Production" };

    private static string Dll() => ServiceProcess.LocateDll("inventory", "Federation.Inventory.dll");

    private static IEnumerable<string> Arguments(string authority, string[] settings) =>
        new[] { $"--Auth:Authority={authority}" }
            .Concat(settings.Any(s => s.StartsWith("--Audit:Key=", StringComparison.Ordinal)) ? [] : [$"--Audit:Key={AuditKey}"])
            .Concat(settings);

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, like a power cut for the process.</summary>
    public void Kill() => _service.Kill();

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
