using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Federation.Core.Feed;
using Federation.Inventory.Domain;
using Federation.Inventory.Feed;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Federation.Inventory.Bench;

/// <summary>Latency of the register at scale; see inventory/README.md.</summary>
internal static class InventoryBench
{
    public static async Task Main(string[] args)
    {
        // Latency of the register at scale: feed build and list-with-filter at N systems (default 2,000).
        //   dotnet run -c Release --project bench/inventory -- [--systems 2000] [--iterations 200] [--postgres "<connection string>"]
        var systems = IntArg("--systems", 2000);
        var iterations = IntArg("--iterations", 200);
        var postgres = StringArg("--postgres");

        var sqliteFile = Path.Combine(Path.GetTempPath(), $"federation-bench-{Guid.NewGuid():N}.db");
        var provider = postgres is null ? "sqlite" : "postgres";
        // The register's appsettings.json is copied beside this program; WebApplicationFactory looks for it there.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_FEDERATION_INVENTORY", AppContext.BaseDirectory);
        await using var factory = new BenchFactory(provider, postgres ?? $"Data Source={sqliteFile}");
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();

        Console.WriteLine($"Federation inventory bench: {systems:N0} systems, {iterations} iterations, {provider}, {Environment.ProcessorCount} cores");
        var rows = Generate(systems).Select((s, i) => new ImportRow(i + 1, s.Id, _ => s)).ToList();
        var import = Stopwatch.StartNew();
        using (var scope = factory.Services.CreateScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<SystemStore>().ImportAsync(rows, "bench", CancellationToken.None);
            if (!result.Applied)
            {
                throw new InvalidOperationException("Import failed: " + JsonSerializer.Serialize(result.Errors.Take(5)));
            }
        }

        import.Stop();

        var results = new List<(string Name, int N, double P50, double P99)>
        {
            Measure("feed build: DB → FederationFeed → JSON", Math.Max(iterations / 4, 20), async () =>
            {
                using var scope = factory.Services.CreateScope();
                var builder = scope.ServiceProvider.GetRequiredService<FeedBuilder>();
                var feed = await builder.BuildAsync(await builder.CurrentVersionAsync(CancellationToken.None), CancellationToken.None);
                _ = JsonSerializer.SerializeToUtf8Bytes(feed, FederationFeed.JsonOptions);
            }),
            Measure("GET /api/systems?lifecycle=AnvandningOchSupport&dataSubject=elever", iterations, () => Get("/api/systems?lifecycle=AnvandningOchSupport&dataSubject=elever&pageSize=100")),
            Measure("GET /api/systems?q=schoolsoft", iterations, () => Get("/api/systems?q=schoolsoft&pageSize=100")),
            Measure("GET /api/systems?category=e-tjänst&thirdCountryTransfer=false", iterations, () => Get("/api/systems?category=e-tj%C3%A4nst&thirdCountryTransfer=false&pageSize=100")),
            Measure("GET /api/systems?hasFindings=true (evaluated in memory)", Math.Max(iterations / 4, 20), () => Get("/api/systems?hasFindings=true&pageSize=100")),
            Measure("GET /api/systems/{id}", iterations, () => Get($"/api/systems/{rows[systems / 2].Id}")),
        };

        Console.WriteLine();
        Console.WriteLine($"| operation ({systems:N0} systems) | n | p50 ms | p99 ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, n, p50, p99) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {n} | {p50:F2} | {p99:F2} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| import of all {systems:N0} systems in one transaction | 1 | {import.Elapsed.TotalMilliseconds:F0} | – |"));
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(sqliteFile + suffix);
        }

        async Task Get(string url)
        {
            using var response = await client.GetAsync(url);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        }

        (string, int, double, double) Measure(string name, int n, Func<Task> action)
        {
            for (var i = 0; i < Math.Min(10, n); i++)
            {
                action().GetAwaiter().GetResult();
            }

            var samples = new double[n];
            for (var i = 0; i < n; i++)
            {
                var started = Stopwatch.GetTimestamp();
                action().GetAwaiter().GetResult();
                samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            Array.Sort(samples);
            return (name, n, Percentile(samples, 0.50), Percentile(samples, 0.99));
        }

        static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

        // Copies of the demo systems with unique ids and integration identifiers, spread over the lifecycle phases.
        static IEnumerable<SystemRecord> Generate(int count)
        {
            var templates = DemoRegister.Systems();
            var phases = Enum.GetValues<LifecyclePhase>();
            for (var i = 0; i < count; i++)
            {
                var t = templates[i % templates.Count];
                var suffix = i.ToString("D5", CultureInfo.InvariantCulture);
                var integration = t.Integration is not { } x ? null : new Integration(
                    x.SamlSp is { } sp ? sp with { EntityId = $"{sp.EntityId}/{suffix}" } : null,
                    x.OidcClient is { } c ? c with { ClientId = $"{c.ClientId}-{suffix}" } : null,
                    x.Backend is { } b ? b with { PublicPath = $"{b.PublicPath}-{suffix}" } : null);
                yield return t with { Id = $"{t.Id}-{suffix}", Name = $"{t.Name} {suffix}", Integration = integration, Lifecycle = phases[i % phases.Length] };
            }
        }

        int IntArg(string name, int fallback) => StringArg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        string? StringArg(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
    }
}

/// <summary>The register in this process on its own database; no demo register, quiet logs.</summary>
internal sealed class BenchFactory(string provider, string connectionString) : WebApplicationFactory<global::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Provider", provider);
        builder.UseSetting("Database:ConnectionString", connectionString);
        builder.UseSetting("Database:SeedDemo", "false");
        builder.UseSetting("Audit:Key", "bench-inventory-audit-key-0123456789abcdef");
        // Only anonymous reads are measured: the issuer is never contacted.
        builder.UseSetting("Auth:Authority", "http://127.0.0.1:9/");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
    }
}
