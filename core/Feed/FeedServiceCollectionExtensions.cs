using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Federation.Core.Feed;

public static class FeedServiceCollectionExtensions
{
    /// <summary>
    /// Follows the register's feed in the background and offers it as
    /// <see cref="IFederationFeedSource"/>; adds the ready check "feed" (tagged <paramref name="readyTag"/>).
    /// </summary>
    public static IServiceCollection AddFederationFeed(this IServiceCollection services, string readyTag = "ready")
    {
        services.AddOptions<FeedClientOptions>().BindConfiguration(FeedClientOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(FederationFeedClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FederationFeedClient>();
        services.AddSingleton<IFederationFeedSource>(sp => sp.GetRequiredService<FederationFeedClient>());
        services.AddHostedService(sp => sp.GetRequiredService<FederationFeedClient>());
        services.AddMetrics();
        services.AddSingleton<FeedMetrics>();
        // The gauges exist once something asks for the meter; a hosted no-op makes that the start.
        services.AddHostedService(sp => new FeedMetricsStart(sp.GetRequiredService<FeedMetrics>()));
        services.AddHealthChecks().AddCheck<FeedHealthCheck>("feed", tags: [readyTag]);
        return services;
    }

    /// <summary>Reads the feed with a client-credentials token from the idp.</summary>
    public static IServiceCollection AddFeedClientCredentials(this IServiceCollection services)
    {
        services.AddOptions<FeedClientCredentialsOptions>().BindConfiguration(FeedClientCredentialsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IFeedAccessTokenSource, ClientCredentialsFeedTokenSource>();
        return services;
    }
}

/// <summary>Ready when a feed is held and the register answered the last poll.</summary>
internal sealed class FeedHealthCheck(IFederationFeedSource feed) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (feed.Current is null)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("no federation feed yet: " + feed.LastError));
        }
        return Task.FromResult(feed.LastError is null
            ? HealthCheckResult.Healthy($"feed version {feed.Current.Version}")
            : HealthCheckResult.Unhealthy(
                $"serving kept feed version {feed.Current.Version}; the register is unreachable: {feed.LastError}"));
    }
}

/// <summary>Creates <see cref="FeedMetrics"/> on start, so its gauges are observed from then on.</summary>
internal sealed class FeedMetricsStart(FeedMetrics metrics) : IHostedService
{
    public FeedMetrics Metrics { get; } = metrics;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
