using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Federation.Hosting;

/// <summary>
/// What every Federation service gets in one line: telemetry, health endpoints and
/// RFC 9457 problem details.
/// </summary>
public static class ServiceDefaults
{
    /// <summary>Tag for health checks that decide readiness (database, feed, …).</summary>
    public const string ReadyTag = "ready";

    /// <summary>Every meter and activity source of ours starts with this.</summary>
    public const string TelemetryPrefix = "Federation";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddProblemDetails(options =>
            options.CustomizeProblemDetails = context =>
            {
                context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
                var traceId = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
                context.ProblemDetails.Extensions.TryAdd("traceId", traceId);
            });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddFederationTelemetry(serviceName);
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    private static void AddFederationTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        // Console logs carry the trace id so a log line can be joined to its trace.
        builder.Logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetryPrefix + ".*")
                .AddPrometheusExporter());

        // Spans are only recorded when they can go somewhere. Without an exporter a tracer
        // provider would still listen and build every span (a third of a proxied request's CPU
        // in the gateway); W3C trace context flows anyway: ASP.NET Core starts an unrecorded
        // activity per request for log correlation, and HttpClient propagates it.
        if (IsTracing(builder.Configuration))
        {
            otel.WithTracing(tracing => tracing
                    .AddSource(TelemetryPrefix + ".*")
                    .AddAspNetCoreInstrumentation(o =>
                        // Probes and scrapes would drown the traces that matter.
                        o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health")
                                          && !ctx.Request.Path.StartsWithSegments("/metrics"))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }
    }

    /// <summary>Whether spans are recorded and exported (an OTLP endpoint is configured).</summary>
    public static bool IsTracing(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// <c>/health/live</c> (the process answers), <c>/health/ready</c> (checks tagged
    /// <see cref="ReadyTag"/>, e.g. the database) and <c>/metrics</c> (Prometheus).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
        });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResponseWriter = WriteHealthJson,
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Problem details for unhandled exceptions and bare status codes.</summary>
    public static WebApplication UseProblemDetailsForErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private static Task WriteHealthJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
            }),
        });
    }
}
