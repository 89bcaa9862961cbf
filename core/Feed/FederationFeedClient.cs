using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Federation.Core.Feed;

/// <summary>Where the register's feed is and how to follow it.</summary>
public sealed class FeedClientOptions
{
    public const string Section = "Feed";

    /// <summary>The feed, e.g. <c>http://127.0.0.1:5300/api/federation/feed</c>.</summary>
    [Required]
    public Uri? FeedUrl { get; set; }

    /// <summary>
    /// File that keeps the last good feed, so the service starts with it when the register is
    /// down. Null: nothing kept on disk.
    /// </summary>
    public string? CachePath { get; set; }

    /// <summary>Seconds the register may hold a long-poll before answering 304.</summary>
    [Range(0, 300)]
    public int WaitSeconds { get; set; } = 30;

    /// <summary>First delay after a failure; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Gives the bearer token for reading the feed (scope <c>federation.feed</c>).</summary>
public interface IFeedAccessTokenSource
{
    /// <summary>A token, or null to call without one.</summary>
    Task<string?> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>The register refused the last token: forget it.</summary>
    void Invalidate();
}

/// <summary>The current federation feed, swapped atomically when the register changes.</summary>
public interface IFederationFeedSource
{
    /// <summary>The last good feed, or null before the first one arrived.</summary>
    FederationFeed? Current { get; }

    /// <summary>Fires once when <see cref="Current"/> is replaced; ask again for the next change.</summary>
    IChangeToken GetChangeToken();

    /// <summary>Completes with the first feed (from the register or the disk cache).</summary>
    Task<FederationFeed> WaitForFirstAsync(CancellationToken cancellationToken);

    /// <summary>When the register last answered (200 or 304).</summary>
    DateTimeOffset? LastSuccess { get; }

    /// <summary>Why the last call to the register failed, or null if it succeeded.</summary>
    string? LastError { get; }
}

/// <summary>
/// Follows the register's feed by long-polling with <c>If-None-Match</c>; keeps the last good
/// document in memory and on disk. A failed poll never drops the current feed.
/// </summary>
public sealed partial class FederationFeedClient : BackgroundService, IFederationFeedSource
{
    public const string HttpClientName = "federation-feed";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IFeedAccessTokenSource? _tokens;
    private readonly FeedClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FederationFeedClient> _logger;
    private readonly TaskCompletionSource<FederationFeed> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _changed = new();
    private volatile FederationFeed? _current;
    private string? _etag;

    public FederationFeedClient(
        IHttpClientFactory httpClientFactory,
        IOptions<FeedClientOptions> options,
        TimeProvider time,
        ILogger<FederationFeedClient> logger,
        IFeedAccessTokenSource? tokens = null)
    {
        _httpClientFactory = httpClientFactory;
        _tokens = tokens;
        _options = options.Value;
        _time = time;
        _logger = logger;
        LoadCache();
    }

    public FederationFeed? Current => _current;

    public DateTimeOffset? LastSuccess { get; private set; }

    public string? LastError { get; private set; } = "the register has not answered yet";

    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    public Task<FederationFeed> WaitForFirstAsync(CancellationToken cancellationToken) =>
        _first.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = _options.RetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(stoppingToken);
                delay = _options.RetryDelay;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a failed poll must never stop the loop
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LastError = ex.Message;
                LogPollFailed(_logger, _options.FeedUrl, ex.Message);
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    private async Task PollOnceAsync(CancellationToken stoppingToken)
    {
        var wait = _etag is null ? 0 : _options.WaitSeconds;
        var url = new UriBuilder(_options.FeedUrl!);
        var query = url.Query.TrimStart('?');
        url.Query = (query.Length > 0 ? query + "&" : "") + "wait=" + wait;

        using var request = new HttpRequestMessage(HttpMethod.Get, url.Uri);
        if (_etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", _etag);
        }
        if (_tokens is not null && await _tokens.GetTokenAsync(stoppingToken) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(wait + 15));
        var client = _httpClientFactory.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);

        switch (response.StatusCode)
        {
            case HttpStatusCode.NotModified:
                MarkSuccess();
                return;
            case HttpStatusCode.OK:
                var feed = await response.Content.ReadFromJsonAsync<FederationFeed>(FederationFeed.JsonOptions, timeout.Token)
                           ?? throw new InvalidDataException("the register sent an empty feed");
                var etag = response.Headers.ETag?.ToString();
                Publish(feed, etag);
                await SaveCacheAsync(feed, etag, stoppingToken);
                MarkSuccess();
                return;
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                _tokens?.Invalidate();
                throw new HttpRequestException($"the register refused the feed token ({(int)response.StatusCode})");
            default:
                throw new HttpRequestException($"the register answered {(int)response.StatusCode} for the feed");
        }
    }

    private void MarkSuccess()
    {
        LastSuccess = _time.GetUtcNow();
        LastError = null;
    }

    private void Publish(FederationFeed feed, string? etag)
    {
        var previous = _current;
        _current = feed;
        _etag = etag;
        _first.TrySetResult(feed);
        if (previous is null || previous.Version != feed.Version)
        {
            LogFeedChanged(_logger, feed.Version, feed.Systems.Count);
        }
        // Swap first, then fire: a listener that re-subscribes gets the new token.
        var old = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        old.Cancel();
        old.Dispose();
    }

    private void LoadCache()
    {
        if (_options.CachePath is not { } path || !File.Exists(path))
        {
            return;
        }
        try
        {
            var cached = JsonSerializer.Deserialize<CachedFeed>(File.ReadAllText(path), FederationFeed.JsonOptions);
            if (cached?.Feed is not null)
            {
                // No ETag from the cache: the first poll fetches the whole feed again.
                Publish(cached.Feed, null);
                LogLoadedFromCache(_logger, path, cached.Feed.Version);
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogCacheUnreadable(_logger, path, ex.Message);
        }
    }

    private async Task SaveCacheAsync(FederationFeed feed, string? etag, CancellationToken cancellationToken)
    {
        if (_options.CachePath is not { } path)
        {
            return;
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temp = path + ".tmp";
            await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(new CachedFeed(etag, feed), FederationFeed.JsonOptions), cancellationToken);
            File.Move(temp, path, overwrite: true); // atomic: a crash never leaves half a feed
        }
        catch (IOException ex)
        {
            LogCacheUnwritable(_logger, path, ex.Message);
        }
    }

    private sealed record CachedFeed(string? ETag, FederationFeed Feed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the federation feed from {FeedUrl} failed: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, Uri? feedUrl, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Federation feed version {Version} with {Count} systems")]
    private static partial void LogFeedChanged(ILogger logger, long version, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started with the federation feed kept in {Path} (version {Version})")]
    private static partial void LogLoadedFromCache(ILogger logger, string path, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kept federation feed {Path} cannot be read: {Reason}")]
    private static partial void LogCacheUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The federation feed cannot be kept in {Path}: {Reason}")]
    private static partial void LogCacheUnwritable(ILogger logger, string path, string reason);
}
