using Federation.Core.Text;
using Federation.Inventory.Domain;
using Federation.Inventory.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Federation.Inventory.Pages.Register.Systems;

/// <summary>One write to a system as a person reads it: when, who, what kind, and each field before and after.</summary>
public sealed record HistoryEntry(long Sequence, DateTimeOffset At, string Actor, string Action, IReadOnlyList<FieldChange> Changes)
{
    public bool IsCreation => Action is "create" or "import-create";

    /// <summary>The kind of write in words; an action this page does not know yet is "changed".</summary>
    public PersonText ActionText => Action switch
    {
        "create" => new("Registrerades", "Registered"),
        "import-create" => new("Registrerades genom import", "Registered by import"),
        "update" => new("Ändrades", "Changed"),
        "import-update" => new("Ändrades genom import", "Changed by import"),
        "delete" => new("Togs bort", "Removed"),
        "hash-client-secret" => new("Klienthemligheten sparas nu bara som hash", "The client secret is now stored as a hash only"),
        _ => new("Ändrades", "Changed"),
    };

    /// <summary>The register's own writes (demo seed, upgrades) are named as the register, not by an internal actor id.</summary>
    public PersonText ActorText => Actor.StartsWith("system:", StringComparison.Ordinal)
        ? new("Registret självt", "The register itself")
        : new(Actor, Actor);
}

/// <summary>A system's audit history: its audit log entries, newest first, as field-level changes (<see cref="SystemChanges"/>).</summary>
public static class SystemHistory
{
    /// <summary>The page shows this many entries; the audit API pages through the rest.</summary>
    public const int Limit = 200;

    public static async Task<IReadOnlyList<HistoryEntry>> ReadAsync(InventoryDbContext db, string systemId, CancellationToken ct)
    {
        var target = "system:" + systemId;
        var entries = await db.Audit.AsNoTracking()
            .Where(e => e.Target == target)
            .OrderByDescending(e => e.Sequence)
            .Take(Limit)
            .ToListAsync(ct);
        return entries.Select(e => new HistoryEntry(e.Sequence, e.At, e.Actor, e.Action, SystemChanges.Between(e.Before, e.After))).ToList();
    }
}
