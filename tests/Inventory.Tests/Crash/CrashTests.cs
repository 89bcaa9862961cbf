using System.Collections.Concurrent;
using System.Net;
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

            // Bounded: writers that all fail (the server refuses them) must fail the test, not hang it.
            await Eventually.TrueAsync(() => acknowledged.Count >= 60 || writers.All(w => w.IsCompleted), seconds: 120,
                what: "60 acknowledged writes");
            Assert.True(acknowledged.Count >= 60, $"only {acknowledged.Count} writes were acknowledged before the writers stopped");

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
