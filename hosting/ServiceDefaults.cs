using System.Net;
using Federation.Core.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
        // Text for people: Swedish by default, English on request (Federation.Core.Text).
        builder.Services.AddPersonLanguage();
        builder.AddFederationTelemetry(serviceName);
        builder.AddTransportSecurity();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    private static void AddTransportSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ManagementOptions>()
            .Bind(builder.Configuration.GetSection(ManagementOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersTrustOptions>()
            .Bind(builder.Configuration.GetSection(ForwardedHeadersTrustOptions.Section))
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "ForwardedHeaders:KnownProxies must be IP addresses.")
            .Validate(o => o.KnownNetworks.All(n => IPNetwork.TryParse(n, out _)), "ForwardedHeaders:KnownNetworks must be CIDR networks, e.g. 10.0.0.0/24.")
            .ValidateOnStart();
        builder.Services.AddTransient<IStartupFilter, TransportSecurity>();

        var management = builder.Configuration.GetSection(ManagementOptions.Section).Get<ManagementOptions>();
        if (management?.Port is { } port && builder is WebApplicationBuilder web)
        {
            // Kestrel listens on the public addresses and the management one. (Endpoints set in code or
            // under Kestrel:Endpoints replace these addresses; such a setup adds the management port there.)
            web.WebHost.UseUrls([.. PublicUrls(builder.Configuration), $"http://{management.Address}:{port}"]);
        }
    }

    /// <summary>The addresses the service would listen on without a management port.</summary>
    private static IEnumerable<string> PublicUrls(IConfiguration configuration)
    {
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        var ports = (configuration["http_ports"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => $"http://*:{p}")
            .Concat((configuration["https_ports"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => $"https://*:{p}"))
            .ToList();
        return ports.Count > 0 ? ports : ["http://localhost:5000"];
    }

    /// <summary>Paths only the management port serves (when there is one).</summary>
    public static bool IsManagementPath(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health/ready");

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
                    .AddHttpClientInstrumentation()
                    // Database spans for both providers (SQLite, PostgreSQL); statement text only,
                    // never parameter values (a personnummer or a secret hash could be one).
                    .AddEntityFrameworkCoreInstrumentation())
                .UseOtlpExporter();
        }
    }

    /// <summary>Whether spans are recorded and exported (an OTLP endpoint is configured).</summary>
    public static bool IsTracing(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// <c>/health/live</c> (the process answers; on every port, cheap and anonymous),
    /// <c>/health/ready</c> (checks tagged <see cref="ReadyTag"/>, e.g. the database, with details)
    /// and <c>/metrics</c> (Prometheus). With a <see cref="ManagementOptions.Port"/> the last two are
    /// served on that port only. Without one, Development and Testing serve them on the public port;
    /// elsewhere there are no metrics and readiness is a bare status, so the internet learns nothing.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
        });
        var management = app.Services.GetRequiredService<IOptions<ManagementOptions>>().Value;
        var details = management.Port is not null
                      || app.Environment.IsDevelopment()
                      || app.Environment.IsEnvironment("Testing");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResponseWriter = details ? WriteHealthJson : WriteHealthStatus,
        });
        if (details)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
        return app;
    }

    /// <summary>Problem details for unhandled exceptions and bare status codes.</summary>
    public static WebApplication UseProblemDetailsForErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private static Task WriteHealthStatus(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(report.Status.ToString());
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
