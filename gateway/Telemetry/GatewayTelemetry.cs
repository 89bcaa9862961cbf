using Federation.Hosting;
using OpenTelemetry.Metrics;

namespace Federation.Gateway.Telemetry;

public static class GatewayTelemetry
{
    /// <summary>
    /// Framework instruments that would be updated on every proxied request but add nothing to the
    /// gateway's own per-system instruments and <c>http.server.request.duration</c> (which still
    /// counts every response, 429s included). Dropped by view, so they are never even enabled: on a
    /// proxied request each enabled instrument costs about as much as the policy check.
    /// </summary>
    public static readonly string[] DroppedInstruments =
    [
        "http.server.active_requests",
        "aspnetcore.routing.match_attempts",
        "aspnetcore.rate_limiting.active_request_leases",
        "aspnetcore.rate_limiting.request_lease.duration",
        "aspnetcore.rate_limiting.requests",
        "http.client.active_requests",
        "http.client.request.time_in_queue",
        // Upstream latency and outcome per system are federation.gateway.request.duration; a pooled
        // connection changes between idle and active twice per request.
        "http.client.request.duration",
        "http.client.open_connections",
    ];

    /// <summary>The logging category whose being enabled makes ASP.NET Core start an activity per request.</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The gateway's meter (<see cref="GatewayMetrics"/>) and its trimmed framework instruments.</summary>
    public static IHostApplicationBuilder AddGatewayTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GatewayMetrics>();
        // Without tracing, ASP.NET Core still starts an activity and a log scope on every request
        // as long as its hosting log category is enabled at all, only to put ids in log lines
        // (a few µs of a proxied request's CPU). The caller's traceparent reaches the backend
        // unchanged without it; with tracing on, the tracer's listener starts the activity anyway.
        // Configuring the category (e.g. Information, to log every request) brings both back.
        if (!ServiceDefaults.IsTracing(builder.Configuration)
            && builder.Configuration[$"Logging:LogLevel:{HostingDiagnosticsCategory}"] is null)
        {
            builder.Logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        }
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics =>
        {
            foreach (var instrument in DroppedInstruments)
            {
                metrics.AddView(instrument, MetricStreamConfiguration.Drop);
            }
        });
        return builder;
    }
}
