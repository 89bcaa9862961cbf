using System.Net.Http.Headers;
using Federation.Inventory.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Federation.Inventory.Tests.Support;

/// <summary>The register on real Kestrel (127.0.0.1, free port) with its own database.</summary>
public sealed class InventoryFactory(string provider, string connectionString, string authority, TimeProvider? time,
    IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", provider);
        builder.UseSetting("Database:ConnectionString", connectionString);
        builder.UseSetting("Auth:Authority", authority);
        builder.UseSetting("Urls", "http://127.0.0.1:0");
        builder.UseSetting("Database:SeedDemo", "true");
        builder.UseSetting("Audit:Key", InventoryProcess.AuditKey);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (time is not null)
        {
            builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton(time)));
        }
    }
}

/// <summary>
/// One register per test class: a database of its own (SQLite file or PostgreSQL database),
/// loaded with the demo register, and clients with and without tokens.
/// </summary>
public abstract class InventoryHost : IAsyncLifetime
{
    private InventoryFactory? factory;

    public abstract string Provider { get; }

    public TestIssuer Issuer { get; private set; } = null!;

    public InventoryFactory Factory => factory ?? throw new InvalidOperationException("Not started.");

    public string ConnectionString { get; private set; } = "";

    /// <summary>The time the register sees; null for the system clock.</summary>
    protected virtual TimeProvider? Time => null;

    public async Task InitializeAsync()
    {
        Issuer = await TestIssuer.Shared;
        ConnectionString = await CreateDatabaseAsync();
        factory = new InventoryFactory(Provider, ConnectionString, Issuer.Authority, Time);
        factory.UseKestrel(0);
        factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    protected abstract Task<string> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    public HttpClient Anonymous() => Factory.CreateClient();

    public HttpClient WithToken(string token)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Admin() => WithToken(Issuer.Admin());

    public HttpClient FeedReader() => WithToken(Issuer.FeedReader());

    /// <summary>A context on the same database, for looking behind the API (and tampering).</summary>
    public InventoryDbContext OpenDb() => Factory.Services.CreateScope().ServiceProvider.GetRequiredService<InventoryDbContext>();
}

public class SqliteInventory : InventoryHost
{
    private string? path;

    public override string Provider => Federation.Hosting.Database.DatabaseOptions.Sqlite;

    protected override Task<string> CreateDatabaseAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "federation-inventory-tests");
        Directory.CreateDirectory(folder);
        path = Path.Combine(folder, $"{Guid.NewGuid():N}.db");
        return Task.FromResult($"Data Source={path}");
    }

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }

        return Task.CompletedTask;
    }
}

public class PostgresInventory : InventoryHost
{
    private string? database;

    public override string Provider => Federation.Hosting.Database.DatabaseOptions.Postgres;

    /// <summary>Superuser connection string to database <c>postgres</c>; required, never skipped.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("FEDERATION_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "FEDERATION_TEST_POSTGRES is not set. The PostgreSQL tests need a superuser connection string to database 'postgres' " +
                "(./test.sh starts a throw-away server and sets it; locally: source scripts/pg-throwaway.sh; PG_PORT=55501 pg_throwaway_start).");

    protected override async Task<string> CreateDatabaseAsync()
    {
        database = $"inventory_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;
    }

    protected override async Task DropDatabaseAsync()
    {
        if (database is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
