using System.ComponentModel;
using Federation.Inventory.Auth;
using Federation.Inventory.Feed;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Federation.Inventory.Apis;

/// <summary><c>GET /api/federation/feed</c>: the one document the gateway and the idp configure themselves from.</summary>
public static class FeedApi
{
    public const int MaxWaitSeconds = 60;

    /// <summary>How often a long poll looks at the database for writes of other replicas.</summary>
    private static readonly TimeSpan ReplicaPollInterval = TimeSpan.FromSeconds(1);

    public static IEndpointRouteBuilder MapFeedApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/federation/feed", GetFeed)
            .RequireAuthorization(InventoryAuth.FeedReader)
            .WithTags("Federation feed")
            .WithName("GetFederationFeed")
            .WithSummary("The federation feed (Federation.Core.Feed.FederationFeed). ETag + If-None-Match gives 304; ?wait=N long-polls until the version changes.")
            .Produces<global::Federation.Core.Feed.FederationFeed>(contentType: "application/json")
            .Produces(StatusCodes.Status304NotModified);
        return app;
    }

    public static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, EmptyHttpResult>> GetFeed(
        [Description("Seconds to wait for a change when If-None-Match is current (at most 60).")] int? wait,
        HttpContext http, FeedBuilder builder, RegisterChangeSignal signal, TimeProvider time, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var ifNoneMatch = http.Request.Headers.IfNoneMatch.ToString();
        try
        {
            var built = await builder.GetAsync(ct);
            if (Matches(ifNoneMatch, built.ETag) && wait is > 0)
            {
                var waitFor = TimeSpan.FromSeconds(Math.Min(wait.Value, MaxWaitSeconds));
                var started = time.GetTimestamp();
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
                while (true)
                {
                    // Take the signal before reading the version so a commit in between is not missed.
                    var change = signal.NextChange;
                    if (await builder.CurrentVersionAsync(ct) != built.Version)
                    {
                        built = await builder.GetAsync(ct);
                        break;
                    }

                    var left = waitFor - time.GetElapsedTime(started);
                    // On shutdown the poll ends now (304), so stopping never waits for idle readers.
                    if (left <= TimeSpan.Zero || lifetime.ApplicationStopping.IsCancellationRequested)
                    {
                        break;
                    }

                    await Task.WhenAny(change, Task.Delay(left < ReplicaPollInterval ? left : ReplicaPollInterval, time, waiting.Token));
                }
            }

            http.Response.Headers.ETag = built.ETag;
            http.Response.Headers.CacheControl = "no-cache";
            return Matches(ifNoneMatch, built.ETag)
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : TypedResults.Bytes(built.Json, "application/json");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The reader went away during its long poll; nobody is left to answer.
            return TypedResults.Empty;
        }
    }

    private static bool Matches(string ifNoneMatch, string etag) =>
        !string.IsNullOrEmpty(ifNoneMatch)
        && ifNoneMatch.Split(',', StringSplitOptions.TrimEntries).Any(t => t == etag || t == "*" || t == "W/" + etag);
}
