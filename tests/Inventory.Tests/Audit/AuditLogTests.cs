using System.Net;
using System.Text.Json.Nodes;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.Inventory.Tests.Audit;

public sealed class AuditLogSqliteTests(SqliteInventory host) : AuditLogTests(host), IClassFixture<SqliteInventory>;

public sealed class AuditLogPostgresTests(PostgresInventory host) : AuditLogTests(host), IClassFixture<PostgresInventory>;

/// <summary>The append-only, hash-chained audit log.</summary>
public abstract class AuditLogTests(InventoryHost host)
{
    [Fact]
    public async Task Every_write_is_logged_with_who_what_before_and_after()
    {
        var admin = host.Admin();
        var etag = (await admin.PostJson("/api/systems", Samples.System("granskas"))).ETagOf();
        var changed = Samples.System("granskas") with { Name = "Granskat namn" };
        etag = (await admin.PutJson("/api/systems/granskas", changed, etag)).ETagOf();
        await admin.Delete("/api/systems/granskas", etag);

        var entries = await (await admin.GetAsync("/api/audit?target=system:granskas")).Read<List<JsonObject>>();

        Assert.Equal(["delete", "update", "create"], entries.Select(e => e["action"]!.GetValue<string>()));
        Assert.All(entries, e => Assert.Equal("ulf.admin", e["actor"]!.GetValue<string>()));
        var update = entries[1];
        Assert.Contains("Testsystem granskas", update["before"]!.GetValue<string>());
        Assert.Contains("Granskat namn", update["after"]!.GetValue<string>());
        Assert.DoesNotContain("secret-granskas", update["after"]!.GetValue<string>());
        Assert.Null(entries[0]["after"]);
        Assert.Null(entries[2]["before"]);
    }

    [Fact]
    public async Task Audit_needs_the_register_admin_role()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.WithToken(host.Issuer.Teacher()).GetAsync("/api/audit/verify")).StatusCode);
    }

    [Fact]
    public async Task Verify_finds_a_row_changed_in_the_database_and_entries_cut_from_the_end()
    {
        var admin = host.Admin();
        await admin.PostJson("/api/systems", Samples.System("manipuleras-1"));
        await admin.PostJson("/api/systems", Samples.System("manipuleras-2"));
        await admin.PostJson("/api/systems", Samples.System("manipuleras-3"));
        Assert.True((await Verify(admin))["valid"]!.GetValue<bool>());

        await using var db = host.OpenDb();
        var victim = await db.Audit.AsNoTracking().SingleAsync(e => e.Target == "system:manipuleras-2");
        var original = victim.After!;
        await Rewrite(db, victim.Sequence, original.Replace("Testsystem", "Fejksystem", StringComparison.Ordinal));

        var broken = await Verify(admin);
        Assert.False(broken["valid"]!.GetValue<bool>());
        Assert.Equal(victim.Sequence, broken["firstBrokenSequence"]!.GetValue<long>());

        await Rewrite(db, victim.Sequence, original);
        Assert.True((await Verify(admin))["valid"]!.GetValue<bool>());

        var last = await db.Audit.MaxAsync(e => e.Sequence);
        await Restoring(db, async () =>
        {
            await db.Audit.Where(e => e.Sequence == last).ExecuteDeleteAsync();
            var cut = await Verify(admin);
            Assert.False(cut["valid"]!.GetValue<bool>());
            Assert.Equal(last, cut["firstBrokenSequence"]!.GetValue<long>());
        });
    }

    [Fact]
    public async Task Verify_catches_a_chain_recomputed_by_someone_who_can_write_the_database()
    {
        var admin = host.Admin();
        await admin.PostJson("/api/systems", Samples.System("omskrivs-1"));
        await admin.PostJson("/api/systems", Samples.System("omskrivs-2"));
        Assert.True((await Verify(admin))["valid"]!.GetValue<bool>());

        await using var db = host.OpenDb();
        var victim = await db.Audit.AsNoTracking().SingleAsync(e => e.Target == "system:omskrivs-1");
        await Restoring(db, async () =>
        {
            // The attacker changes history and recomputes every hash after it, and the recorded
            // head: with SHA-256 as the unkeyed chain did, and with an HMAC under a guessed key.
            foreach (var recompute in new Func<AuditEntry, string>[]
                     {
                         AuditChain.LegacyHashOf,
                         e => new AuditChain(Options.Create(new AuditOptions { Key = "a-guessed-key-that-is-long-enough-0123" })).HashOf(e),
                     })
            {
                await RecomputeFrom(db, victim.Sequence, e => e.After = e.After?.Replace("Testsystem", "Fejksystem", StringComparison.Ordinal), recompute);

                var verification = await Verify(admin);
                Assert.False(verification["valid"]!.GetValue<bool>(), verification.ToJsonString());
            }
        });
        Assert.True((await Verify(admin))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Verify_finds_an_entry_removed_from_the_middle()
    {
        var admin = host.Admin();
        await admin.PostJson("/api/systems", Samples.System("tas-bort-1"));
        await admin.PostJson("/api/systems", Samples.System("tas-bort-2"));
        await admin.PostJson("/api/systems", Samples.System("tas-bort-3"));

        await using var db = host.OpenDb();
        var victim = await db.Audit.AsNoTracking().SingleAsync(e => e.Target == "system:tas-bort-2");
        await Restoring(db, async () =>
        {
            await db.Audit.Where(e => e.Sequence == victim.Sequence).ExecuteDeleteAsync();

            var verification = await Verify(admin);
            Assert.False(verification["valid"]!.GetValue<bool>());
            Assert.Equal(victim.Sequence, verification["firstBrokenSequence"]!.GetValue<long>());
        });
        Assert.True((await Verify(admin))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Verify_finds_two_entries_swapped()
    {
        var admin = host.Admin();
        await admin.PostJson("/api/systems", Samples.System("byter-plats-1"));
        await admin.PostJson("/api/systems", Samples.System("byter-plats-2"));

        await using var db = host.OpenDb();
        var first = await db.Audit.AsNoTracking().SingleAsync(e => e.Target == "system:byter-plats-1");
        var second = await db.Audit.AsNoTracking().SingleAsync(e => e.Target == "system:byter-plats-2");
        await Restoring(db, async () =>
        {
            // Each row keeps its own hash and link but moves to the other's place in the sequence.
            await Overwrite(db, first.Sequence, second);
            await Overwrite(db, second.Sequence, first);

            var verification = await Verify(admin);
            Assert.False(verification["valid"]!.GetValue<bool>());
            Assert.Equal(first.Sequence, verification["firstBrokenSequence"]!.GetValue<long>());
        });
        Assert.True((await Verify(admin))["valid"]!.GetValue<bool>());
    }

    /// <summary>Runs a tampering and puts every audit row and the recorded head back afterwards.</summary>
    private static async Task Restoring(InventoryDbContext db, Func<Task> tamper)
    {
        var entries = await db.Audit.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
        var state = await db.State.AsNoTracking().SingleAsync();
        try
        {
            await tamper();
        }
        finally
        {
            await db.Audit.ExecuteDeleteAsync();
            db.ChangeTracker.Clear();
            db.Audit.AddRange(entries);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            await db.State.ExecuteUpdateAsync(u => u
                .SetProperty(s => s.AuditHead, state.AuditHead)
                .SetProperty(s => s.AuditSequence, state.AuditSequence));
        }
    }

    private static async Task RecomputeFrom(InventoryDbContext db, long from, Action<AuditEntry> change, Func<AuditEntry, string> hash)
    {
        db.ChangeTracker.Clear();
        var entries = await db.Audit.Where(e => e.Sequence >= from - 1).OrderBy(e => e.Sequence).ToListAsync();
        var previous = entries[0].Hash;
        foreach (var entry in entries.Skip(1))
        {
            if (entry.Sequence == from)
            {
                change(entry);
            }

            entry.PreviousHash = previous;
            entry.Hash = hash(entry);
            previous = entry.Hash;
        }

        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        await db.State.ExecuteUpdateAsync(u => u.SetProperty(s => s.AuditHead, previous));
    }

    private static Task<int> Overwrite(InventoryDbContext db, long sequence, AuditEntry with) =>
        db.Audit.Where(e => e.Sequence == sequence).ExecuteUpdateAsync(u => u
            .SetProperty(e => e.At, with.At)
            .SetProperty(e => e.Actor, with.Actor)
            .SetProperty(e => e.Action, with.Action)
            .SetProperty(e => e.Target, with.Target)
            .SetProperty(e => e.Before, with.Before)
            .SetProperty(e => e.After, with.After)
            .SetProperty(e => e.PreviousHash, with.PreviousHash)
            .SetProperty(e => e.Hash, with.Hash));

    private static Task<int> Rewrite(InventoryDbContext db, long sequence, string after) =>
        db.Audit.Where(e => e.Sequence == sequence).ExecuteUpdateAsync(u => u.SetProperty(e => e.After, after));

    private static async Task<JsonObject> Verify(HttpClient admin)
    {
        var response = await admin.GetAsync("/api/audit/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Read<JsonObject>();
    }
}
