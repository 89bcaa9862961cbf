using System.Text.Json;
using Federation.Core.Feed;

namespace Federation.Gateway.Tests.Infrastructure;

/// <summary>
/// The register's feed endpoint as the gateway meets it over HTTP: ETag, 304 on a match,
/// long-poll with <c>?wait=N</c>. Tests publish documents and can take it down.
/// </summary>
internal sealed class TestRegister : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private WebApplication _app = null!;
    private FederationFeed _feed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestRegister(FederationFeed feed) => _feed = feed;

    public Uri FeedUrl { get; private set; } = null!;

    public FederationFeed Feed
    {
        get
        {
            lock (_lock)
            {
                return _feed;
            }
        }
    }

    /// <summary>While true the register answers 503, as if it were down.</summary>
    public bool Down { get; set; }

    public static async Task<TestRegister> StartAsync(FederationFeed feed)
    {
        var register = new TestRegister(feed);
        register._app = Loopback.CreateApp();
        register._app.MapGet("/api/federation/feed", register.HandleAsync);
        // The idp reports sign-ins to the register; accepted and not looked at here.
        register._app.MapPost("/api/signin-events", () => TypedResults.Accepted((string?)null));
        await register._app.StartAsync();
        register.FeedUrl = new Uri(Loopback.AddressOf(register._app), "/api/federation/feed");
        return register;
    }

    /// <summary>Publishes <paramref name="change"/> of the current feed with the next version.</summary>
    public FederationFeed Publish(Func<FederationFeed, FederationFeed> change)
    {
        TaskCompletionSource changed;
        FederationFeed next;
        lock (_lock)
        {
            next = change(_feed) with { Version = _feed.Version + 1, GeneratedAt = DateTimeOffset.UtcNow };
            _feed = next;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
        return next;
    }

    private async Task HandleAsync(HttpContext context, int? wait)
    {
        if (Down)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        FederationFeed feed;
        Task changed;
        lock (_lock)
        {
            (feed, changed) = (_feed, _changed.Task);
        }
        if (context.Request.Headers.IfNoneMatch == ETag(feed))
        {
            await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(wait ?? 0), context.RequestAborted));
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

    private static string ETag(FederationFeed feed) => $"\"{feed.Version}\"";

    public async ValueTask DisposeAsync()
    {
        Publish(f => f);
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
