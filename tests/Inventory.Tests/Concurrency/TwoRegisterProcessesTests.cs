using System.Net;
using System.Text.Json.Nodes;
using Federation.Inventory.Domain;
using Federation.Inventory.Tests.Support;
using Npgsql;

namespace Federation.Inventory.Tests.Concurrency;

/// <summary>
/// Two register processes on one PostgreSQL database, as replicas behind a load balancer: the
/// ETag check holds across them, so of twenty concurrent updates with one ETag exactly one wins.
/// </summary>
public sealed class TwoRegisterProcessesTests : IAsyncLifetime
{
    private readonly string database = $"inventory_two_{Guid.NewGuid():N}";
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresInventory.ServerConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await create.ExecuteNonQueryAsync();
        connectionString = new NpgsqlConnectionStringBuilder(PostgresInventory.ServerConnectionString) { Database = database }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresInventory.ServerConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Twenty_concurrent_updates_across_two_processes_have_exactly_one_winner()
    {
        var issuer = await TestIssuer.Shared;
        string[] settings = ["--Database:Provider=postgres", $"--Database:ConnectionString={connectionString}", "--Database:SeedDemo=true"];
        await using var first = await InventoryProcess.StartAsync(issuer.Authority, settings);
        await using var second = await InventoryProcess.StartAsync(issuer.Authority, settings);
        using var a = first.Client(issuer.Admin());
        using var b = second.Client(issuer.Admin());

        var etag = (await a.PostJson("/api/systems", Samples.System("tva-processer"))).ETagOf();
        Assert.Equal(etag, (await b.GetAsync("/api/systems/tva-processer")).ETagOf());

        var attempts = Enumerable.Range(1, 20).Select(async i =>
        {
            var body = Samples.System("tva-processer") with { Description = $"Ändring nummer {i}" };
            var response = await (i % 2 == 0 ? a : b).PutJson("/api/systems/tva-processer", body, etag);
            return (i, response.StatusCode);
        }).ToList();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.i != winner.i), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        foreach (var client in new[] { a, b })
        {
            var stored = await (await client.GetAsync("/api/systems/tva-processer")).Read<SystemRecord>();
            Assert.Equal($"Ändring nummer {winner.i}", stored.Description);
        }

        var audit = await (await b.GetAsync("/api/audit?target=system:tva-processer")).Read<List<JsonObject>>();
        Assert.Single(audit, e => e["action"]!.GetValue<string>() == "update");
        var verify = await (await a.GetAsync("/api/audit/verify")).Read<JsonObject>();
        Assert.True(verify["valid"]!.GetValue<bool>(), verify.ToJsonString());
    }
}
