using Federation.Core.Feed;
using Federation.Hosting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace Federation.Gateway.Routing;

public static class FeedRoutingExtensions
{
    /// <summary>The register's feed (long-poll, disk cache) and the routes and clusters YARP reads from it (<see cref="IProxyConfigProvider"/>).</summary>
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
        services.AddHealthChecks().AddCheck<UnroutableSystemsCheck>("routes", tags: [ServiceDefaults.ReadyTag]);
        // YARP keeps an upstream that failed passively out for the longer of the cluster's
        // reactivation period and the failure detection window (60 s by default), so without this
        // a backend that came back got no traffic for a minute whatever Gateway:ReactivationPeriod said.
        services.AddOptions<TransportFailureRateHealthPolicyOptions>()
            .Configure<IOptions<GatewayOptions>>((o, gateway) => o.DetectionWindowSize = gateway.Value.ReactivationPeriod);
        return builder;
    }
}
