using Federation.Hosting;
using Federation.Inventory.Register;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.Inventory.Infrastructure;

/// <summary>Configuration section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
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
        var section = builder.Configuration.GetSection("Database");
        builder.Services.AddOptions<DatabaseOptions>().Bind(section)
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

        builder.Services.AddHealthChecks().AddDbContextCheck<InventoryDbContext>("database", tags: [ServiceDefaults.ReadyTag]);
        return builder;
    }

    /// <summary>Applies migrations and, on a new database, loads the demo register.</summary>
    public static async Task InitializeRegisterAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (options.Provider == DatabaseOptions.Sqlite)
        {
            EnsureSqliteFolder(options.EffectiveConnectionString);
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        await db.Database.MigrateAsync();
        if (!db.IsPostgres)
        {
            // WAL lets readers go on while one writer commits; the setting is kept in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        if (options.SeedDemo)
        {
            var seeder = scope.ServiceProvider.GetRequiredService<DemoRegister>();
            await seeder.SeedIfNewAsync(CancellationToken.None);
        }
    }

    private static void EnsureSqliteFolder(string connectionString)
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
