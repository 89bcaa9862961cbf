using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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
