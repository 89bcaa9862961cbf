using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Federation.Core.Feed;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Federation.Idp.Tests.Infrastructure;

/// <summary>
/// A small real register on 127.0.0.1: serves a federation feed we control (long-poll with
/// ETag, as the register does), records the bearer tokens it is called with and the sign-in
/// events posted to it.
/// </summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private FederationFeed _feed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string?> FeedAuthorizations { get; } = new();

    public ConcurrentQueue<JsonElement> SigninEvents { get; } = new();

    public Uri FeedUrl { get; }

    public Uri SigninEventsUrl { get; }

    public FederationFeed Feed => _feed;

    private FeedServer(WebApplication app, FederationFeed feed, Uri baseUri)
    {
        _app = app;
        _feed = feed;
        FeedUrl = new Uri(baseUri, "/api/federation/feed");
        SigninEventsUrl = new Uri(baseUri, "/api/signin-events");
    }

    public static async Task<FeedServer> StartAsync(FederationFeed feed)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FeedServer? server = null;
        app.MapGet("/api/federation/feed", async (HttpContext http, int? wait) =>
        {
            server!.FeedAuthorizations.Enqueue(http.Request.Headers.Authorization.FirstOrDefault());
            var (current, changed) = server.Snapshot();
            var etag = ETag(current);
            if (http.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                if (wait is > 0)
                {
                    await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(wait.Value), http.RequestAborted));
                    (current, _) = server.Snapshot();
                    etag = ETag(current);
                }
                if (http.Request.Headers.IfNoneMatch.ToString() == etag)
                {
                    return Results.StatusCode(StatusCodes.Status304NotModified);
                }
            }
            http.Response.Headers.ETag = etag;
            return Results.Json(current, FederationFeed.JsonOptions);
        });
        app.MapPost("/api/signin-events", (JsonElement body) =>
        {
            server!.SigninEvents.Enqueue(body);
            return Results.Accepted();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FeedServer(app, feed, new Uri(address));
        return server;
    }

    private static string ETag(FederationFeed feed) => "\"v" + feed.Version.ToString(CultureInfo.InvariantCulture) + "\"";

    private (FederationFeed Feed, Task Changed) Snapshot()
    {
        lock (_gate)
        {
            return (_feed, _changed.Task);
        }
    }

    /// <summary>Replaces the feed with the next version; long-polls answer at once.</summary>
    public FederationFeed Publish(Func<IReadOnlyList<FeedSystem>, IEnumerable<FeedSystem>> change)
    {
        lock (_gate)
        {
            _feed = new FederationFeed(_feed.Version + 1, DateTimeOffset.UtcNow, change(_feed.Systems).ToList());
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
            return _feed;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
