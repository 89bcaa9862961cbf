using Federation.Core.Feed;

namespace Federation.Gateway.Routing;

/// <summary>A system the gateway used to route that is retired now: its path answers 410.</summary>
public sealed record RetiredSystem(string Id, string Name, string PublicPath);

/// <summary>One immutable view of the feed: systems by id and what is retired.</summary>
public sealed class DirectorySnapshot
{
    public static readonly DirectorySnapshot Empty = new(null, new Dictionary<string, FeedSystem>(), []);

    public DirectorySnapshot(FederationFeed? feed, IReadOnlyDictionary<string, FeedSystem> routed, IReadOnlyList<RetiredSystem> retired)
    {
        Feed = feed;
        Routed = routed;
        Retired = retired;
    }

    public FederationFeed? Feed { get; }

    /// <summary>Systems with a backend that the gateway proxies to, by id.</summary>
    public IReadOnlyDictionary<string, FeedSystem> Routed { get; }

    public IReadOnlyList<RetiredSystem> Retired { get; }

    /// <summary>Host names that belong to one system each (origin isolation); other systems are not served there.</summary>
    public IReadOnlySet<string> OwnHosts => _ownHosts ??= Routed.Values
        .Select(s => s.Backend?.PublicHost).OfType<string>()
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private IReadOnlySet<string>? _ownHosts;

    public RetiredSystem? FindRetired(PathString path)
    {
        foreach (var retired in Retired)
        {
            if (path.StartsWithSegments(retired.PublicPath, StringComparison.OrdinalIgnoreCase))
            {
                return retired;
            }
        }
        return null;
    }
}

/// <summary>The current <see cref="DirectorySnapshot"/>; swapped as one reference, never mutated.</summary>
public sealed class SystemDirectory
{
    private volatile DirectorySnapshot _current = DirectorySnapshot.Empty;

    public DirectorySnapshot Current => _current;

    internal void Publish(DirectorySnapshot snapshot) => _current = snapshot;
}
