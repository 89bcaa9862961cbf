using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Federation.Core.Feed;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Federation.Testing;

/// <summary>
/// The register as its clients meet it over HTTP, on 127.0.0.1: the federation feed with ETag,
/// 304 on If-None-Match and long-poll with <c>?wait=N</c>, plus the sign-in event endpoint.
/// The test decides the document, whether to answer (down, a forced status, a required token)
/// and sees what it was sent (feed authorizations, sign-in events, the number of feed requests).
/// </summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private FederationFeed _feed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;

    private FeedServer(WebApplication app, FederationFeed feed)
    {
        _app = app;
        _feed = feed;
    }

    public Uri FeedUrl { get; private set; } = null!;

    public Uri SigninEventsUrl { get; private set; } = null!;

    /// <summary>The document served now.</summary>
    public FederationFeed Feed
    {
        get
        {
            lock (_gate)
            {
                return _feed;
            }
        }
    }

    /// <summary>Feed requests so far (a client parked in a long-poll has made one more).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The Authorization header of every feed request, in order.</summary>
    public ConcurrentQueue<string?> FeedAuthorizations { get; } = new();

    /// <summary>The sign-in events posted to the register.</summary>
    public ConcurrentQueue<JsonElement> SigninEvents { get; } = new();

    /// <summary>Each request for one person's releases: the subject asked for and the Authorization header.</summary>
    public ConcurrentQueue<(string Subject, string? Authorization)> SubjectReleaseRequests { get; } = new();

    /// <summary>The purpose the stand-in gives every system.</summary>
    public static string PurposeOf(string systemName) => "Ändamål för " + systemName;

    /// <summary>When set, feed requests without <c>Authorization: Bearer</c> this value get 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>When set, every feed request gets this status and no document.</summary>
    public HttpStatusCode? ForcedStatus { get; set; }

    /// <summary>While true the register answers 503, as if it were down.</summary>
    public bool Down
    {
        get => ForcedStatus == HttpStatusCode.ServiceUnavailable;
        set => ForcedStatus = value ? HttpStatusCode.ServiceUnavailable : null;
    }

    /// <summary>While true the register's subject-releases endpoint answers 503 (the feed is unaffected).</summary>
    public bool ReleasesDown { get; set; }

    public static async Task<FeedServer> StartAsync(FederationFeed feed)
    {
        var app = Loopback.CreateApp();
        var server = new FeedServer(app, feed);
        app.MapGet("/api/federation/feed", server.HandleAsync);
        app.MapPost("/api/signin-events", (JsonElement body) =>
        {
            server.SigninEvents.Enqueue(body);
            return TypedResults.Accepted((string?)null);
        });
        app.MapGet("/api/signin-events/subjects/{subject}", IResult (string subject, HttpRequest request) =>
        {
            server.SubjectReleaseRequests.Enqueue((subject, request.Headers.Authorization.ToString()));
            return server.ReleasesDown ? TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable) : TypedResults.Json(server.ReleasesOf(subject));
        });
        await app.StartAsync();
        var address = Loopback.AddressOf(app);
        server.FeedUrl = new Uri(address, "/api/federation/feed");
        server.SigninEventsUrl = new Uri(address, "/api/signin-events");
        return server;
    }

    private object ReleasesOf(string subject)
    {
        var releases = SigninEvents
            .Where(e => e.GetProperty("subject").GetString() == subject && e.GetProperty("outcome").GetString() == "released")
            .Select(e => new
            {
                occurredAt = e.GetProperty("occurredAt").GetDateTimeOffset(),
                systemId = e.GetProperty("systemId").GetString(),
                clientId = e.TryGetProperty("clientId", out var client) ? client.GetString() : null,
                protocol = e.GetProperty("protocol").GetString(),
                attributes = e.GetProperty("released").EnumerateArray().Select(a => a.GetString()).ToList(),
                assuranceLevel = e.TryGetProperty("assuranceLevel", out var acr) ? acr.GetString() : null,
            })
            .OrderByDescending(r => r.occurredAt)
            .ToList();
        var named = releases.Select(r => r.systemId).ToHashSet(StringComparer.Ordinal);
        var systems = Feed.Systems.Where(s => named.Contains(s.Id)).Select(s => new
        {
            id = s.Id,
            name = s.Name,
            purposes = new[] { PurposeOf(s.Name) },
            legalBasis = new[] { new { letter = "e", sv = "Uppgift av allmänt intresse", en = "Task in the public interest" } },
        });
        return new { subject, retentionDays = 90, releases, systems };
    }

    /// <summary>Serves <paramref name="feed"/> as it is (its own version); long-polls answer at once.</summary>
    public FederationFeed Publish(FederationFeed feed) => Replace(_ => feed);

    /// <summary>Publishes <paramref name="change"/> of the current feed as the next version.</summary>
    public FederationFeed Publish(Func<FederationFeed, FederationFeed> change) =>
        Replace(current => change(current) with { Version = current.Version + 1, GeneratedAt = DateTimeOffset.UtcNow });

    /// <summary>Publishes the current systems changed by <paramref name="change"/> as the next version.</summary>
    public FederationFeed Publish(Func<IReadOnlyList<FeedSystem>, IEnumerable<FeedSystem>> change) =>
        Replace(current => new FederationFeed(current.Version + 1, DateTimeOffset.UtcNow, change(current.Systems).ToList()));

    private FederationFeed Replace(Func<FederationFeed, FederationFeed> next)
    {
        TaskCompletionSource changed;
        FederationFeed feed;
        lock (_gate)
        {
            feed = _feed = next(_feed);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
        return feed;
    }

    private async Task HandleAsync(HttpContext context, int? wait)
    {
        Interlocked.Increment(ref _requests);
        FeedAuthorizations.Enqueue(context.Request.Headers.Authorization.FirstOrDefault());
        if (ForcedStatus is { } forced)
        {
            context.Response.StatusCode = (int)forced;
            return;
        }
        if (RequiredToken is not null && context.Request.Headers.Authorization != "Bearer " + RequiredToken)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        FederationFeed feed;
        Task changed;
        lock (_gate)
        {
            (feed, changed) = (_feed, _changed.Task);
        }
        if (context.Request.Headers.IfNoneMatch == ETag(feed))
        {
            if (wait is > 0)
            {
                await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(wait.Value), context.RequestAborted));
            }
            feed = Feed;
            if (context.Request.Headers.IfNoneMatch == ETag(feed))
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
        }
        context.Response.Headers.ETag = ETag(feed);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(feed, FederationFeed.JsonOptions));
    }

    private static string ETag(FederationFeed feed) => "\"" + feed.Version.ToString(CultureInfo.InvariantCulture) + "\"";

    public async ValueTask DisposeAsync()
    {
        Publish(Feed); // releases parked long-polls
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
