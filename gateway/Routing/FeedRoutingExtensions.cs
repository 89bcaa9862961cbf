using System.Diagnostics;
using Federation.Core.Feed;
using Federation.Gateway.Proxy;
using Federation.Gateway.Telemetry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace Federation.Gateway.Routing;

public static class FeedRoutingExtensions
{
    /// <summary>The register's feed (long-poll, disk cache), and YARP configured from it.</summary>
    public static IHostApplicationBuilder AddFeedRouting(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>()
            .BindConfiguration(GatewayOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddFederationFeed();
        // The register only gives the feed to callers with scope federation.feed.
        if (builder.Configuration.GetSection("Feed:Credentials").Exists())
        {
            services.AddFeedClientCredentials();
        }

        services.AddSingleton<SystemDirectory>();
        services.AddSingleton<FeedProxyConfigProvider>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<FeedProxyConfigProvider>());
        services.AddSingleton<IdentitySigning>();
        services.AddSingleton<IForwarderHttpClientFactory, GatewayHttpClientFactory>();
        // YARP keeps an upstream that failed passively out for the longer of the cluster's
        // reactivation period and the failure detection window (60 s by default), so without this
        // a backend that came back got no traffic for a minute whatever Gateway:ReactivationPeriod said.
        services.AddOptions<TransportFailureRateHealthPolicyOptions>()
            .Configure<IOptions<GatewayOptions>>((o, gateway) => o.DetectionWindowSize = gateway.Value.ReactivationPeriod);
        services.AddReverseProxy()
            .AddTransforms<IdentityForwardingTransform>();
        return builder;
    }

    /// <summary>The proxy pipeline: metrics around everything, then the gate, then YARP's own steps.</summary>
    public static WebApplication MapFederationProxy(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<GatewayMetrics>();
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(async (context, next) =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await next();
                }
                finally
                {
                    var system = context.GetReverseProxyFeature().Route.Config.Metadata?.GetValueOrDefault(FeedRouteMap.SystemMetadataKey) ?? "?";
                    metrics.RecordRequest(system, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
                }
            });
            proxy.UseMiddleware<SystemGateMiddleware>();
            proxy.UseMiddleware<UpstreamErrorMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}

/// <summary>YARP's client with a short connect timeout, so a dead host is a quick 503, not a hang.</summary>
public sealed class GatewayHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger, IOptions<GatewayOptions> options)
    : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = options.Value.ConnectTimeout;
    }
}
