using System.Diagnostics;
using Federation.Gateway.Routing;
using Federation.Gateway.Telemetry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Federation.Gateway.Proxy;

/// <summary>
/// The proxy itself: YARP with the gateway's transform, its client, and the pipeline that runs the
/// gate. The top of the gateway's folders: it uses Routing, Identity, Pages and Telemetry, none of
/// them uses it.
/// </summary>
public static class ProxyExtensions
{
    public static IHostApplicationBuilder AddFederationProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IdentitySigning>();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, GatewayHttpClientFactory>();
        builder.Services.AddReverseProxy()
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
