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
    ];

    /// <summary>The gateway's meter (<see cref="GatewayMetrics"/>) and its trimmed framework instruments.</summary>
    public static IHostApplicationBuilder AddGatewayTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GatewayMetrics>();
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
