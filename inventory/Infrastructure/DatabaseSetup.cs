using Federation.Hosting;
using Federation.Inventory.Register;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.Inventory.Infrastructure;

/// <summary>Configuration section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default, embedded) or <c>postgres</c> (scale-out).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>ADO.NET connection string; SQLite defaults to <c>Data Source=data/inventory.db</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Load the demo register when the database is new.</summary>
    public bool SeedDemo { get; set; } = true;

    public string EffectiveConnectionString =>
        ConnectionString is { Length: > 0 } cs ? cs : "Data Source=data/inventory.db";
}

public static class DatabaseSetup
{
    public static IHostApplicationBuilder AddInventoryDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Validate(o => o.Provider is DatabaseOptions.Sqlite or DatabaseOptions.Postgres,
                "Database:Provider must be 'sqlite' or 'postgres'.")
            .Validate(o => o.Provider != DatabaseOptions.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:Provider=postgres needs Database:ConnectionString.")
            .ValidateOnStart();

        // Both contexts are registered; the configured provider decides (at resolve time, so
        // test hosts may set it late) which one, and so which migration set, is used.
        builder.Services.AddDbContext<PostgresInventoryDbContext>((sp, o) =>
            o.UseNpgsql(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
        builder.Services.AddDbContext<SqliteInventoryDbContext>((sp, o) =>
            o.UseSqlite(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.EffectiveConnectionString));
        builder.Services.AddScoped<InventoryDbContext>(sp =>
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseOptions.Postgres
                ? sp.GetRequiredService<PostgresInventoryDbContext>()
                : sp.GetRequiredService<SqliteInventoryDbContext>());

        builder.Services.AddHostedService<RegisterInitializer>();
        builder.Services.AddHealthChecks().AddDbContextCheck<InventoryDbContext>("database", tags: [ServiceDefaults.ReadyTag]);
        return builder;
    }

    internal static void EnsureSqliteFolder(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:")
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}

/// <summary>
/// Applies migrations and, on a new database, loads the demo register. Runs in the host's
/// "starting" phase: after the options are validated, before the server takes requests.
/// </summary>
public sealed class RegisterInitializer(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Provider == DatabaseOptions.Sqlite)
        {
            DatabaseSetup.EnsureSqliteFolder(options.Value.EffectiveConnectionString);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (!db.IsPostgres)
        {
            // WAL lets readers go on while one writer commits; the setting is kept in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        if (options.Value.SeedDemo)
        {
            await scope.ServiceProvider.GetRequiredService<DemoRegister>().SeedIfNewAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
