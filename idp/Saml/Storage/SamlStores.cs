using Microsoft.EntityFrameworkCore;

namespace Federation.Idp.Saml.Storage;

/// <summary>One-time use of assertion IDs; must hold across replicas.</summary>
public interface ISamlReplayCache
{
    /// <summary>Records the assertion; false when it was seen before (a replay).</summary>
    Task<bool> TryAddAsync(string issuer, string assertionId, DateTimeOffset keepUntil, CancellationToken cancellationToken);
}

/// <summary>AuthnRequests this idp sent upstream; must hold across replicas.</summary>
public interface ISamlRequestStore
{
    Task SaveAsync(SamlSentRequest request, CancellationToken cancellationToken);

    /// <summary>The request with this ID if it has not expired (used or not), else null.</summary>
    Task<SamlSentRequest?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Marks the request used; false when another response already used it.</summary>
    Task<bool> TryConsumeAsync(string id, CancellationToken cancellationToken);
}

/// <summary>AuthnRequests from downstream SPs waiting for a sign-in; must hold across replicas.</summary>
public interface ISamlPendingRequestStore
{
    Task SaveAsync(SamlPendingRequest request, CancellationToken cancellationToken);

    Task<SamlPendingRequest?> FindAsync(string handle, CancellationToken cancellationToken);

    Task<bool> TryRemoveAsync(string handle, CancellationToken cancellationToken);
}

/// <summary>The database-backed stores; the primary key makes a second insert fail on any replica.</summary>
public sealed class EfSamlStores(SamlDbContext db, TimeProvider time) : ISamlReplayCache, ISamlRequestStore, ISamlPendingRequestStore
{
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<bool> TryAddAsync(string issuer, string assertionId, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        var now = Now;
        await db.ReplayEntries.Where(e => e.ExpiresAtUnixMs < now).ExecuteDeleteAsync(cancellationToken);
        db.ReplayEntries.Add(new SamlReplayEntry { Key = issuer + "\n" + assertionId, ExpiresAtUnixMs = keepUntil.ToUnixTimeMilliseconds() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    public async Task SaveAsync(SamlSentRequest request, CancellationToken cancellationToken)
    {
        var now = Now;
        await db.SentRequests.Where(e => e.ExpiresAtUnixMs < now).ExecuteDeleteAsync(cancellationToken);
        db.SentRequests.Add(request);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<SamlSentRequest?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var now = Now;
        return await db.SentRequests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == id && r.ExpiresAtUnixMs >= now, cancellationToken);
    }

    public async Task<bool> TryConsumeAsync(string id, CancellationToken cancellationToken)
    {
        var now = Now;
        return await db.SentRequests.Where(r => r.Id == id && r.ConsumedAtUnixMs == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ConsumedAtUnixMs, now), cancellationToken) == 1;
    }

    public async Task SaveAsync(SamlPendingRequest request, CancellationToken cancellationToken)
    {
        var now = Now;
        await db.PendingRequests.Where(e => e.ExpiresAtUnixMs < now).ExecuteDeleteAsync(cancellationToken);
        db.PendingRequests.Add(request);
        await db.SaveChangesAsync(cancellationToken);
    }

    async Task<SamlPendingRequest?> ISamlPendingRequestStore.FindAsync(string handle, CancellationToken cancellationToken)
    {
        var now = Now;
        return await db.PendingRequests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Handle == handle && r.ExpiresAtUnixMs >= now, cancellationToken);
    }

    public async Task<bool> TryRemoveAsync(string handle, CancellationToken cancellationToken) =>
        await db.PendingRequests.Where(r => r.Handle == handle).ExecuteDeleteAsync(cancellationToken) == 1;
}
