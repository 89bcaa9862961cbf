using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Federation.Inventory.Infrastructure;

/// <summary>
/// One write to the register: locks the state row (so writes are serialised across requests and
/// replicas), appends audit entries to the hash chain, and commits the change and its audit
/// entries together or not at all.
/// </summary>
public sealed class RegisterTransaction : IAsyncDisposable
{
    private readonly IDbContextTransaction transaction;
    private bool versionBumped;

    private readonly AuditChain chain;

    private RegisterTransaction(InventoryDbContext db, AuditChain chain, IDbContextTransaction transaction, RegisterState state, string actor, TimeProvider time)
    {
        Db = db;
        this.chain = chain;
        this.transaction = transaction;
        State = state;
        Actor = actor;
        Now = AuditChain.Truncate(time.GetUtcNow());
    }

    public InventoryDbContext Db { get; }
    public RegisterState State { get; }
    public string Actor { get; }
    public DateTimeOffset Now { get; }

    /// <summary>True when the commit changed the register's version (the feed must be rebuilt).</summary>
    public bool ChangedRegister => versionBumped;

    public static async Task<RegisterTransaction> BeginAsync(InventoryDbContext db, AuditChain chain, string actor, TimeProvider time, CancellationToken ct)
    {
        // SQLite: Microsoft.Data.Sqlite begins IMMEDIATE, which takes the write lock now.
        // PostgreSQL: the row lock below serialises writers on every replica.
        var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var state = db.IsPostgres
                ? await db.State.FromSqlRaw("SELECT * FROM \"RegisterState\" WHERE \"Id\" = 1 FOR UPDATE").SingleAsync(ct)
                : await db.State.SingleAsync(s => s.Id == RegisterState.SingletonId, ct);
            return new RegisterTransaction(db, chain, transaction, state, actor, time);
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    /// <summary>The version the changed systems get; the same for every change in this transaction.</summary>
    public long NextVersion()
    {
        if (!versionBumped)
        {
            State.Version++;
            versionBumped = true;
        }

        return State.Version;
    }

    public void Audit(string action, string target, string? before, string? after)
    {
        var entry = new AuditEntry
        {
            Sequence = State.AuditSequence + 1,
            At = Now,
            Actor = Actor,
            Action = action,
            Target = target,
            Before = before,
            After = after,
            PreviousHash = State.AuditHead,
            Hash = "",
        };
        entry.Hash = chain.HashOf(entry);
        Db.Audit.Add(entry);
        State.AuditSequence = entry.Sequence;
        State.AuditHead = entry.Hash;
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        await Db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public ValueTask DisposeAsync() => transaction.DisposeAsync();
}
