using System.Net;
using System.Text.Json;
using Federation.Core.Feed;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Core.Tests.Feed;

/// <summary>
/// A real HTTP feed endpoint on loopback that behaves like the register's: ETag, 304 on
/// If-None-Match, long-poll with ?wait=N. The test decides the document and whether to answer.
/// </summary>
internal sealed class FeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _lock = new();
    private FederationFeed _feed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? RequiredToken { get; set; }
    public HttpStatusCode? ForcedStatus { get; set; }
    public int Requests;

    private FeedServer(WebApplication app, FederationFeed feed)
    {
        _app = app;
        _feed = feed;
    }

    public Uri FeedUrl { get; private set; } = null!;

    public static async Task<FeedServer> StartAsync(FederationFeed feed)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FeedServer(app, feed);
        app.MapGet("/api/federation/feed", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.FeedUrl = new Uri(address + "/api/federation/feed");
        return server;
    }

    public void Publish(FederationFeed feed)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _feed = feed;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    private async Task HandleAsync(HttpContext context, int? wait)
    {
        Interlocked.Increment(ref Requests);
        if (ForcedStatus is { } forced)
        {
            context.Response.StatusCode = (int)forced;
            return;
        }
        if (RequiredToken is not null && context.Request.Headers.Authorization != "Bearer " + RequiredToken)
        {
            context.Response.StatusCode = 401;
            return;
        }
        FederationFeed feed;
        Task changed;
        lock (_lock)
        {
            feed = _feed;
            changed = _changed.Task;
        }
        var etag = $"\"{feed.Version}\"";
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(wait ?? 0), context.RequestAborted));
            lock (_lock)
            {
                feed = _feed;
            }
            etag = $"\"{feed.Version}\"";
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                context.Response.StatusCode = 304;
                return;
            }
        }
        context.Response.Headers.ETag = etag;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(feed, FederationFeed.JsonOptions));
    }

    public async ValueTask DisposeAsync()
    {
        Publish(_feed); // release long-polls
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
