// TEMPORARY: stands in for the lead's feed client (feed/) until it lands on main; this whole
// folder is deleted at that merge. Same public API as described in the team brief.
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Federation.Feed;

public sealed class FeedClientOptions
{
    public Uri FeedUrl { get; set; } = new("http://127.0.0.1:5300/api/federation/feed");
    public string? CachePath { get; set; }
    public int WaitSeconds { get; set; } = 30;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}

public interface IFeedAccessTokenSource
{
    Task<string?> GetTokenAsync(CancellationToken cancellationToken);
}

public interface IFederationFeedSource
{
    FederationFeed? Current { get; }
    IChangeToken GetChangeToken();
    Task<FederationFeed> WaitForFirstAsync(CancellationToken cancellationToken);
    DateTimeOffset? LastSuccess { get; }
}

public static class FeedClientStandInExtensions
{
    public static IServiceCollection AddFederationFeed(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<FeedClientOptions>().Bind(section).ValidateOnStart();
        services.AddHttpClient(nameof(FeedClientStandIn));
        services.AddSingleton<FeedClientStandIn>();
        services.AddSingleton<IFederationFeedSource>(sp => sp.GetRequiredService<FeedClientStandIn>());
        services.AddHostedService(sp => sp.GetRequiredService<FeedClientStandIn>());
        services.AddHealthChecks().AddCheck<FeedClientStandIn>("feed", tags: ["ready"]);
        return services;
    }
}

internal sealed class FeedClientStandIn(
    IOptions<FeedClientOptions> options,
    IHttpClientFactory httpClientFactory,
    IServiceProvider services,
    TimeProvider time,
    ILogger<FeedClientStandIn> logger) : BackgroundService, IFederationFeedSource, IHealthCheck
{
    private readonly TaskCompletionSource<FederationFeed> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _changed = new();
    private volatile FederationFeed? _current = LoadCache(options.Value.CachePath);
    private string? _etag;
    private bool _online;

    public FederationFeed? Current => _current;
    public DateTimeOffset? LastSuccess { get; private set; }
    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    public Task<FederationFeed> WaitForFirstAsync(CancellationToken cancellationToken) =>
        _current is { } feed ? Task.FromResult(feed) : _first.Task.WaitAsync(cancellationToken);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_online ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The register's feed is not reachable."));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = httpClientFactory.CreateClient(nameof(FeedClientStandIn));
        client.Timeout = TimeSpan.FromSeconds(options.Value.WaitSeconds + 15);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = _current is null ? 0 : options.Value.WaitSeconds;
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{options.Value.FeedUrl}?wait={wait}");
                if (_etag is not null)
                {
                    request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(_etag));
                }
                if (services.GetService<IFeedAccessTokenSource>() is { } tokens && await tokens.GetTokenAsync(stoppingToken) is { } token)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
                using var response = await client.SendAsync(request, stoppingToken);
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    _online = true;
                    LastSuccess = time.GetUtcNow();
                    continue;
                }
                response.EnsureSuccessStatusCode();
                var json = await response.Content.ReadAsStringAsync(stoppingToken);
                var feed = JsonSerializer.Deserialize<FederationFeed>(json, FederationFeed.JsonOptions)!;
                _etag = response.Headers.ETag?.Tag;
                _online = true;
                LastSuccess = time.GetUtcNow();
                if (options.Value.CachePath is { } path)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                    await File.WriteAllTextAsync(path + ".tmp", json, stoppingToken);
                    File.Move(path + ".tmp", path, overwrite: true);
                }
                _current = feed;
                _first.TrySetResult(feed);
                var old = _changed;
                _changed = new CancellationTokenSource();
                await old.CancelAsync();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _online = false;
                logger.LogWarning(e, "Feed poll failed");
                await Task.Delay(options.Value.RetryDelay, time, stoppingToken);
            }
        }
    }

    private static FederationFeed? LoadCache(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<FederationFeed>(File.ReadAllText(path), FederationFeed.JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
