using System.Net;
using Federation.Core.Feed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Federation.Core.Tests.Feed;

public sealed class FederationFeedClientTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("feed-tests").FullName;

    private static FederationFeed Feed(long version, params string[] systemIds) => new(
        version,
        DateTimeOffset.UtcNow,
        systemIds.Select(id => new FeedSystem(id, id, LifecyclePhase.AnvandningOchSupport,
            new FeedAccessPolicy([], [], [], "loa2"), ["name"])).ToList());

    private ServiceProvider BuildClient(Uri feedUrl, IFeedAccessTokenSource? tokens = null, int waitSeconds = 5)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feed:FeedUrl"] = feedUrl.ToString(),
            ["Feed:CachePath"] = Path.Combine(_dir, "feed.json"),
            ["Feed:WaitSeconds"] = waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Feed:RetryDelay"] = "00:00:00.100",
            ["Feed:MaxRetryDelay"] = "00:00:00.500",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config);
        if (tokens is not null)
        {
            services.AddSingleton(tokens);
        }
        services.AddFederationFeed();
        return services.BuildServiceProvider();
    }

    private static async Task<IFederationFeedSource> StartAsync(ServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        return provider.GetRequiredService<IFederationFeedSource>();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(25, cts.Token);
        }
    }

    [Fact]
    public async Task Gets_the_first_feed_and_follows_changes_through_the_long_poll()
    {
        await using var server = await FeedServer.StartAsync(Feed(1, "schoolsoft"));
        await using var provider = BuildClient(server.FeedUrl, waitSeconds: 30);
        var source = await StartAsync(provider);

        var first = await source.WaitForFirstAsync(new CancellationTokenSource(Patience).Token);
        Assert.Equal(1, first.Version);

        var changed = new TaskCompletionSource();
        source.GetChangeToken().RegisterChangeCallback(_ => changed.TrySetResult(), null);
        await WaitUntilAsync(() => server.Requests >= 2); // now parked in a long-poll
        server.Publish(Feed(2, "schoolsoft", "procapita"));

        await changed.Task.WaitAsync(Patience);
        Assert.Equal(2, source.Current!.Version);
        Assert.Equal(["schoolsoft", "procapita"], source.Current.Systems.Select(s => s.Id));
    }

    [Fact]
    public async Task Keeps_the_last_good_feed_when_the_register_fails_and_reports_not_ready()
    {
        await using var server = await FeedServer.StartAsync(Feed(7, "procapita"));
        await using var provider = BuildClient(server.FeedUrl, waitSeconds: 0);
        var source = await StartAsync(provider);
        await source.WaitForFirstAsync(new CancellationTokenSource(Patience).Token);
        var health = provider.GetRequiredService<HealthCheckService>();
        await WaitUntilAsync(() => source.LastError is null);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        server.ForcedStatus = HttpStatusCode.InternalServerError;
        await WaitUntilAsync(() => source.LastError is not null);

        Assert.Equal(7, source.Current!.Version);
        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("unreachable", report.Entries["feed"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starts_with_the_feed_kept_on_disk_when_the_register_is_down()
    {
        await using (var server = await FeedServer.StartAsync(Feed(3, "intranat")))
        {
            await using var provider = BuildClient(server.FeedUrl);
            var source = await StartAsync(provider);
            await source.WaitForFirstAsync(new CancellationTokenSource(Patience).Token);
            await WaitUntilAsync(() => File.Exists(Path.Combine(_dir, "feed.json")));
        }

        // The register is gone (its port is closed); a new process starts from the disk copy.
        await using var restarted = BuildClient(new Uri("http://127.0.0.1:9/api/federation/feed"));
        var again = restarted.GetRequiredService<IFederationFeedSource>();
        Assert.Equal(3, again.Current?.Version);
        Assert.Equal("intranat", again.Current!.Systems.Single().Id);
    }

    [Fact]
    public async Task Sends_the_bearer_token_and_asks_for_a_new_one_when_refused()
    {
        await using var server = await FeedServer.StartAsync(Feed(1, "schoolsoft"));
        server.RequiredToken = "second";
        var tokens = new CountingTokenSource();
        await using var provider = BuildClient(server.FeedUrl, tokens);
        var source = await StartAsync(provider);

        await source.WaitForFirstAsync(new CancellationTokenSource(Patience).Token);
        Assert.True(tokens.Invalidated >= 1);
        Assert.Equal(1, source.Current!.Version);
    }

    /// <summary>Hands out "first", then "second" after the register refused the first.</summary>
    private sealed class CountingTokenSource : IFeedAccessTokenSource
    {
        public int Invalidated;

        public Task<string?> GetTokenAsync(CancellationToken cancellationToken) =>
            Task.FromResult<string?>(Volatile.Read(ref Invalidated) == 0 ? "first" : "second");

        public void Invalidate() => Interlocked.Increment(ref Invalidated);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
