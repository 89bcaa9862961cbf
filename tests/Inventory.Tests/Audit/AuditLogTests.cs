using System.Net;
using System.Text.Json.Nodes;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Tests.Support;
using Microsoft.EntityFrameworkCore;

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
        await db.Audit.Where(e => e.Sequence == last).ExecuteDeleteAsync();
        var cut = await Verify(admin);
        Assert.False(cut["valid"]!.GetValue<bool>());
        Assert.Equal(last, cut["firstBrokenSequence"]!.GetValue<long>());
    }

    private static Task<int> Rewrite(InventoryDbContext db, long sequence, string after) =>
        db.Audit.Where(e => e.Sequence == sequence).ExecuteUpdateAsync(u => u.SetProperty(e => e.After, after));

    private static async Task<JsonObject> Verify(HttpClient admin)
    {
        var response = await admin.GetAsync("/api/audit/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Read<JsonObject>();
    }
}
