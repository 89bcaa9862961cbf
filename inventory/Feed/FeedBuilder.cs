using System.Text.Json;
using Federation.Core.Feed;
using Federation.Inventory.Domain;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Register;
using Microsoft.EntityFrameworkCore;

namespace Federation.Inventory.Feed;

/// <summary>A built feed document: its version, ETag and serialized bytes.</summary>
public sealed record BuiltFeed(long Version, string ETag, byte[] Json);

/// <summary>Builds <see cref="FederationFeed"/> from the register; retired systems are left out.</summary>
public sealed class FeedBuilder(InventoryDbContext db, SystemStore store, FeedCache cache, TimeProvider time)
{
    /// <summary>The register version in the database, which every replica agrees on.</summary>
    public Task<long> CurrentVersionAsync(CancellationToken ct) =>
        db.State.AsNoTracking().Where(s => s.Id == RegisterState.SingletonId).Select(s => s.Version).SingleAsync(ct);

    public static string ETagOf(long version) => $"\"feed-{version}\"";

    /// <summary>The feed at the current version, from the cache when nothing changed since it was built.</summary>
    public async Task<BuiltFeed> GetAsync(CancellationToken ct)
    {
        // The version is read before the systems: the document is never older than its ETag says.
        var version = await CurrentVersionAsync(ct);
        if (cache.Current is { } cached && cached.Version == version)
        {
            return cached;
        }

        var feed = await BuildAsync(version, ct);
        var built = new BuiltFeed(version, ETagOf(version), JsonSerializer.SerializeToUtf8Bytes(feed, FederationFeed.JsonOptions));
        cache.Offer(built);
        return built;
    }

    public async Task<FederationFeed> BuildAsync(long version, CancellationToken ct)
    {
        var systems = await store.AllAsync(includeRetired: false, ct);
        return new FederationFeed(version, time.GetUtcNow(), systems.Select(ToFeed).ToList());
    }

    public static FeedSystem ToFeed(SystemRecord s) => new(
        s.Id,
        s.Name,
        s.Lifecycle,
        new FeedAccessPolicy(s.Access.Roles, s.Access.Groups, s.Access.SchoolUnits, s.Access.AssuranceLevel),
        s.Access.Release,
        s.Integration?.OidcClient,
        s.Integration?.SamlSp,
        s.Integration?.Backend,
        s.Lifecycle == LifecyclePhase.Avveckling
            ? $"{s.Name} håller på att avvecklas. Frågor besvaras av {s.Administrator}."
            : null,
        s.Description,
        s.Integration?.LaunchUrl);
}

/// <summary>The last built feed of this process; a newer version replaces it.</summary>
public sealed class FeedCache
{
    private BuiltFeed? current;

    public BuiltFeed? Current => Volatile.Read(ref current);

    public void Offer(BuiltFeed built)
    {
        var seen = current;
        while ((seen is null || seen.Version < built.Version)
               && Interlocked.CompareExchange(ref current, built, seen) is var actual && !ReferenceEquals(actual, seen))
        {
            seen = actual;
        }
    }
}
