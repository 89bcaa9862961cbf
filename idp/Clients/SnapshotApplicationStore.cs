using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Federation.Idp.Clients;

/// <summary>
/// Applications by client id, kept in memory between requests: OpenIddict's own entity cache
/// lives one request, so every token request read the database for its client (the benchmark's
/// second cost after access token storage). Applications change only when the register's feed
/// changes; <see cref="ClientSync"/> clears the snapshots then, and each expires after a minute anyway.
/// </summary>
public sealed class ApplicationSnapshots(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (OpenIddictEntityFrameworkCoreApplication Application, DateTimeOffset Until)> _byClientId =
        new(StringComparer.Ordinal);

    public OpenIddictEntityFrameworkCoreApplication? Find(string clientId) =>
        _byClientId.TryGetValue(clientId, out var entry) && entry.Until > time.GetUtcNow() ? entry.Application : null;

    public void Keep(string clientId, OpenIddictEntityFrameworkCoreApplication application) =>
        _byClientId[clientId] = (Copy(application), time.GetUtcNow() + Lifetime);

    public void Clear() => _byClientId.Clear();

    private static readonly PropertyInfo[] Columns = typeof(OpenIddictEntityFrameworkCoreApplication)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.CanWrite && (p.PropertyType == typeof(string) || p.PropertyType.IsValueType))
        .ToArray();

    /// <summary>A detached copy of the scalar columns (never the navigation collections).</summary>
    public static OpenIddictEntityFrameworkCoreApplication Copy(OpenIddictEntityFrameworkCoreApplication source)
    {
        var copy = new OpenIddictEntityFrameworkCoreApplication();
        foreach (var column in Columns)
        {
            column.SetValue(copy, column.GetValue(source));
        }
        return copy;
    }
}

/// <summary>
/// OpenIddict's EF Core application store, answering client-id lookups from <see cref="ApplicationSnapshots"/>
/// without opening a database context: a client-credentials request then touches no database at all.
/// The copy it returns is detached; EF Core loads its own tracked instance when a stored token must
/// reference the application.
/// </summary>
public sealed class SnapshotApplicationStore(
    IMemoryCache cache,
    IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options,
    ApplicationSnapshots snapshots)
    : OpenIddictEntityFrameworkCoreApplicationStore(cache, context, options)
{
    public override async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        if (snapshots.Find(identifier) is { } snapshot)
        {
            // Each request gets its own copy: OpenIddict may change the instance it was given.
            return ApplicationSnapshots.Copy(snapshot);
        }
        var application = await base.FindByClientIdAsync(identifier, cancellationToken);
        if (application is not null)
        {
            snapshots.Keep(identifier, application);
        }
        return application;
    }
}
