using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Federation.Gateway.Pages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Proxy;

/// <summary>
/// Two fixed windows that every request counts against: one per signed-in user (so one account
/// cannot starve a school) and one per client address (so unauthenticated floods stop too).
/// </summary>
public static class GatewayRateLimits
{
    public static IHostApplicationBuilder AddGatewayRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<GatewayOptions>>((o, gateway) => Configure(o, gateway.Value.RateLimits));
        builder.Services.AddRateLimiter(_ => { });
        return builder;
    }

    private static void Configure(RateLimiterOptions options, RateLimitOptions limits)
    {
        // Keyed by the subject and the address themselves: nothing is built per request.
        var perUser = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            context.User.FindFirst("sub")?.Value is { } subject && !IsProbe(context)
                ? RateLimitPartition.GetFixedWindowLimiter(subject, _ => Window(limits.PermitsPerUser, limits.Window))
                : RateLimitPartition.GetNoLimiter(""));
        var perAddress = PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
            !IsProbe(context)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress ?? IPAddress.None, _ => Window(limits.PermitsPerAddress, limits.Window))
                : RateLimitPartition.GetNoLimiter(IPAddress.None));
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(perUser, perAddress);
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = async (context, cancellationToken) =>
        {
            var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                : (int)Math.Ceiling(limits.Window.TotalSeconds);
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await GatewayResponses.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "rate-limited",
                new("För många förfrågningar", "Too many requests"),
                new($"Du har gjort för många förfrågningar på kort tid. Vänta {seconds} sekunder och försök igen.",
                    $"You have made too many requests in a short time. Wait {seconds} seconds and try again."),
                "Too many requests", $"Rate limit reached; retry after {seconds} s.");
        };
    }

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    // Orchestrators probing health must never be throttled into declaring the gateway dead.
    private static bool IsProbe(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/metrics");
}
