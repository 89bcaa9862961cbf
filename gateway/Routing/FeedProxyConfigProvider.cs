using Federation.Core.Feed;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace Federation.Gateway.Routing;

/// <summary>
/// YARP's configuration, rebuilt from the register's feed whenever the feed client signals a
/// change. Each build is an immutable snapshot; YARP swaps to it atomically when the old
/// snapshot's change token fires, and requests in flight finish on the routes they started on.
/// </summary>
public sealed class FeedProxyConfigProvider : IProxyConfigProvider, IDisposable
{
    private readonly IFederationFeedSource _feed;
    private readonly SystemDirectory _directory;
    private readonly GatewayOptions _options;
    private readonly ILogger<FeedProxyConfigProvider> _logger;
    private readonly IDisposable _subscription;
    private readonly Lock _gate = new();
    // Every routed system ever seen by this process, so one that disappears can answer 410.
    private readonly Dictionary<string, RetiredSystem> _seen = new(StringComparer.Ordinal);
    private volatile FeedProxyConfig _config;

    public FeedProxyConfigProvider(
        IFederationFeedSource feed,
        SystemDirectory directory,
        IOptions<GatewayOptions> options,
        ILogger<FeedProxyConfigProvider> logger)
    {
        _feed = feed;
        _directory = directory;
        _options = options.Value;
        _logger = logger;
        _config = Build(feed.Current);
        _subscription = ChangeToken.OnChange(feed.GetChangeToken, Reload);
    }

    public IProxyConfig GetConfig() => _config;

    public void Dispose() => _subscription.Dispose();

    private void Reload()
    {
        var next = Build(_feed.Current);
        var previous = _config;
        _config = next;
        previous.SignalChange();
    }

    private FeedProxyConfig Build(FederationFeed? feed)
    {
        lock (_gate)
        {
            var (routes, clusters) = FeedRouteMap.Build(feed, _options);
            var routed = (feed?.Systems ?? [])
                .Where(FeedRouteMap.IsRoutable)
                .ToDictionary(s => s.Id, StringComparer.Ordinal);

            var retired = new List<RetiredSystem>();
            foreach (var system in feed?.Systems ?? [])
            {
                if (system.Backend is { } backend && system.Lifecycle == LifecyclePhase.Avvecklad)
                {
                    retired.Add(new RetiredSystem(system.Id, system.Name, backend.PublicPath.TrimEnd('/')));
                }
            }
            foreach (var (id, gone) in _seen)
            {
                // Gone from the feed and its path not taken over by another system.
                if (!routed.ContainsKey(id) && !routed.Values.Any(s => SamePath(s.Backend!.PublicPath, gone.PublicPath))
                    && retired.All(r => r.Id != id))
                {
                    retired.Add(gone);
                }
            }
            foreach (var system in routed.Values)
            {
                _seen[system.Id] = new RetiredSystem(system.Id, system.Name, system.Backend!.PublicPath.TrimEnd('/'));
            }

            foreach (var (systemId, problem) in FeedRouteMap.Unroutable(feed))
            {
                _logger.LogError("System {SystemId} of feed version {Version} gets no route: {Problem}", systemId, feed?.Version, problem);
            }

            // The directory first: a request routed by the new config must find its system.
            _directory.Publish(new DirectorySnapshot(feed, routed, retired));
            _logger.LogInformation("Gateway configuration from feed version {Version}: {Routes} routes, {Retired} retired",
                feed?.Version, routes.Count, retired.Count);
            return new FeedProxyConfig(routes, clusters, feed?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private sealed class FeedProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters, string? revision) : IProxyConfig
    {
        private readonly CancellationTokenSource _changed = new();

        public IReadOnlyList<RouteConfig> Routes { get; } = routes;
        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;
        public string RevisionId { get; } = revision ?? "none";
        public IChangeToken ChangeToken => new CancellationChangeToken(_changed.Token);

        internal void SignalChange() => _changed.Cancel();
    }
}
