using Federation.Gateway.Pages;
using Federation.Gateway.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Federation.Gateway.Proxy;

/// <summary>
/// Turns YARP's bare 502/503/504 into a page or problem detail. A backend that is down
/// (connection refused, no healthy upstream) is a 503 with Retry-After: for the user the
/// system is unavailable, whatever the transport said.
/// </summary>
public sealed class UpstreamErrorMiddleware(RequestDelegate next, SystemDirectory directory, ILogger<UpstreamErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.GetForwarderErrorFeature() is not { } error || context.Response.HasStarted)
        {
            return;
        }
        if (error.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled)
        {
            return; // the client left; nobody to tell
        }
        var systemId = context.GetReverseProxyFeature().Route.Config.Metadata?.GetValueOrDefault(FeedRouteMap.SystemMetadataKey) ?? "?";
        var name = directory.Current.Routed.TryGetValue(systemId, out var system) ? system.Name : systemId;
        logger.LogWarning(error.Exception, "Upstream of {System} failed: {Error}", systemId, error.Error);

        context.Response.Clear();
        if (error.Error == ForwarderError.RequestTimedOut)
        {
            await GatewayResponses.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "upstream-timeout",
                new($"{name} svarar inte", $"{name} does not answer"),
                new($"{name} svarade inte i tid. Försök igen om en stund.", $"{name} did not answer in time. Try again in a while."),
                "Upstream timeout", $"The backend of '{systemId}' did not answer in time.", systemId);
            return;
        }
        context.Response.Headers.RetryAfter = "5";
        await GatewayResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "upstream-unavailable",
            new($"{name} är inte tillgängligt just nu", $"{name} is not available right now"),
            new($"{name} går inte att nå för tillfället. Försök igen om en stund; felet är anmält automatiskt.",
                $"{name} cannot be reached at the moment. Try again in a while; the fault has been reported automatically."),
            "Backend unavailable", $"The backend of '{systemId}' is unavailable ({error.Error}).", systemId);
    }
}
