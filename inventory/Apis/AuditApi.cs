using Federation.Inventory.Auth;
using Federation.Inventory.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Federation.Inventory.Apis;

/// <summary>One audit entry as the API shows it.</summary>
public sealed record AuditEntryView(long Sequence, DateTimeOffset At, string Actor, string Action, string Target,
    string? Before, string? After, string PreviousHash, string Hash);

/// <summary><c>/api/audit</c>: the append-only, hash-chained log of every write.</summary>
public static class AuditApi
{
    private const int VerifyBatch = 500;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(InventoryAuth.RegisterAdmin);
        group.MapGet("/", List).WithName("ListAudit").WithSummary("Audit entries, newest first; filter by target (e.g. system:procapita).");
        group.MapGet("/verify", Verify).WithName("VerifyAudit").WithSummary("Recompute the hash chain and report the first broken link.");
        return app;
    }

    public static async Task<Results<Ok<List<AuditEntryView>>, ValidationProblem>> List(
        string? target, long? before, int? limit, InventoryDbContext db, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Give a limit between 1 and 1000."] });
        }

        var entries = db.Audit.AsNoTracking();
        if (!string.IsNullOrEmpty(target))
        {
            entries = entries.Where(e => e.Target == target);
        }

        if (before is { } sequence)
        {
            entries = entries.Where(e => e.Sequence < sequence);
        }

        var page = await entries.OrderByDescending(e => e.Sequence).Take(limit ?? 100)
            .Select(e => new AuditEntryView(e.Sequence, e.At, e.Actor, e.Action, e.Target, e.Before, e.After, e.PreviousHash, e.Hash))
            .ToListAsync(ct);
        return TypedResults.Ok(page);
    }

    public static async Task<Ok<AuditVerification>> Verify(InventoryDbContext db, AuditChain chain, CancellationToken ct) =>
        TypedResults.Ok(await VerifyAsync(db, chain, ct));

    public static async Task<AuditVerification> VerifyAsync(InventoryDbContext db, AuditChain chain, CancellationToken ct)
    {
        var state = await db.State.AsNoTracking().SingleAsync(s => s.Id == RegisterState.SingletonId, ct);
        var previous = AuditChain.Genesis;
        long expected = 1, checkedCount = 0;
        // Entries of a register from before the key may carry the unkeyed hash, up to the first
        // keyed entry, which links to them and so holds them too; after it every entry is keyed.
        var keyed = false;
        while (true)
        {
            var from = expected;
            var batch = await db.Audit.AsNoTracking().Where(e => e.Sequence >= from)
                .OrderBy(e => e.Sequence).Take(VerifyBatch).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var entry in batch)
            {
                if (entry.Sequence != expected)
                {
                    return new AuditVerification(false, checkedCount, expected, $"Entry {expected} is missing.");
                }

                if (entry.PreviousHash != previous)
                {
                    return new AuditVerification(false, checkedCount, entry.Sequence, $"Entry {entry.Sequence} does not link to the hash of entry {entry.Sequence - 1}.");
                }

                if (chain.HashOf(entry) == entry.Hash)
                {
                    keyed = true;
                }
                else if (keyed || AuditChain.LegacyHashOf(entry) != entry.Hash)
                {
                    return new AuditVerification(false, checkedCount, entry.Sequence, $"Entry {entry.Sequence} was changed after it was written: its hash does not match its content.");
                }

                previous = entry.Hash;
                expected++;
                checkedCount++;
            }
        }

        // Entries cut from the end leave a valid chain behind; the recorded head catches that.
        if (checkedCount != state.AuditSequence || previous != state.AuditHead)
        {
            return new AuditVerification(false, checkedCount, checkedCount + 1,
                $"The log ends at entry {checkedCount} but the register recorded {state.AuditSequence} entries: entries were removed from the end.");
        }

        if (checkedCount > 0 && !keyed)
        {
            return new AuditVerification(false, checkedCount, checkedCount,
                "No entry carries the keyed hash: the chain was recomputed without the audit key.");
        }

        return new AuditVerification(true, checkedCount, null, null);
    }
}
