using Federation.Hosting.Database;
using Federation.Idp.Saml.Idp;
using Federation.Idp.Saml.Metadata;
using Federation.Idp.Saml.Sp;
using Federation.Idp.Saml.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml;

public static class SamlServiceCollectionExtensions
{

    /// <summary>
    /// SAML IdP and SP. The idp must also register <see cref="ISamlSignInSession"/>,
    /// <see cref="ISamlUpstreamSignIn"/> and the feed (<c>AddFederationFeed</c>).
    /// </summary>
    public static IServiceCollection AddFederationSaml(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<SamlOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.AddDataProtection();
        services.TryAddSingletonTimeProvider();

        services.AddDbContext<SqliteSamlDbContext>((provider, options) =>
            options.UseSqlite(provider.GetRequiredService<IOptions<SamlOptions>>().Value.ConnectionString,
                sqlite => sqlite.MigrationsHistoryTable(SamlDbContext.HistoryTable)));
        services.AddDbContext<PostgresSamlDbContext>((provider, options) =>
            options.UseNpgsql(provider.GetRequiredService<IOptions<SamlOptions>>().Value.ConnectionString,
                npgsql => npgsql.MigrationsHistoryTable(SamlDbContext.HistoryTable)));
        services.AddScoped<SamlDbContext>(provider =>
            provider.GetRequiredService<IOptions<SamlOptions>>().Value.DatabaseProvider == "postgres"
                ? provider.GetRequiredService<PostgresSamlDbContext>()
                : provider.GetRequiredService<SqliteSamlDbContext>());
        services.AddScoped<EfSamlStores>();
        services.AddScoped<ISamlReplayCache>(p => p.GetRequiredService<EfSamlStores>());
        services.AddScoped<ISamlRequestStore>(p => p.GetRequiredService<EfSamlStores>());
        services.AddScoped<ISamlPendingRequestStore>(p => p.GetRequiredService<EfSamlStores>());
        services.AddHostedService<SamlDatabaseMigrator>();
        services.AddHealthChecks().AddCheck<SamlDatabaseHealthCheck>("saml-database", tags: [Federation.Hosting.ServiceDefaults.ReadyTag]);

        services.AddSingleton<SamlKeyStore>();
        services.AddSingleton<SamlBrowserBinding>();
        services.AddMetrics(); // IMeterFactory, when the host has not added it (tests compose SAML alone)
        services.TryAddSingleton<Federation.Idp.Telemetry.IdpMetrics>();
        services.AddSingleton<SamlTelemetry>();
        services.AddSingleton(p => new UpstreamIdpCatalog(p.GetRequiredService<IOptions<SamlOptions>>()));
        services.AddSingleton<MetadataAggregateSource>();
        services.AddSingleton<ISamlServiceProviderRegistry, SamlServiceProviderRegistry>();
        services.AddScoped<SamlResponseValidator>();
        services.AddScoped<SamlAuthnRequestSender>();
        services.AddScoped<AuthnRequestReader>();
        services.AddScoped<SamlIdentityProvider>();
        return services;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}

/// <summary>Applies the SAML migrations on start, by the services' one convention (replicas may start together).</summary>
internal sealed class SamlDatabaseMigrator(IServiceScopeFactory scopes, IOptions<SamlOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.DatabaseProvider == "sqlite")
        {
            var file = new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource;
            var directory = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(file) && file != ":memory:" && directory is not null)
            {
                Directory.CreateDirectory(directory);
            }
        }
        await using var scope = scopes.CreateAsyncScope();
        await ServiceDatabase.PrepareAsync(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<SamlDbContext>(), "idp-saml", migrate: true, null, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Ready when the SAML tables' database answers.</summary>
internal sealed class SamlDatabaseHealthCheck(IServiceScopeFactory scopes) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var scope = scopes.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SamlDbContext>().Database.CanConnectAsync(cancellationToken)
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("SAML database unreachable");
    }
}
