using Npgsql;

namespace Federation.Idp.Tests.Infrastructure;

/// <summary>The idp on PostgreSQL, in a database of its own created for this test class.</summary>
public sealed class PostgresIdpHost : IdpHost
{
    private readonly string _database = "idp_test_" + Guid.NewGuid().ToString("N")[..12];
    private string? _admin;

    public override async Task InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable("FEDERATION_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(_admin))
        {
            throw new InvalidOperationException(
                "FEDERATION_TEST_POSTGRES is not set: the PostgreSQL tests need a superuser connection string to database 'postgres' (./test.sh sets it).");
        }
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        await base.InitializeAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() =>
    [
        new("Database:Provider", "postgres"),
        new("Database:ConnectionString", new NpgsqlConnectionStringBuilder(_admin) { Database = _database }.ConnectionString),
    ];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
