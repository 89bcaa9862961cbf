using Federation.Hosting;
using Federation.Hosting.Database;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Storage;

/// <summary>
/// The gateway's database, by the services' one convention (<see cref="ServiceDatabase"/>), and only
/// when section <c>Database</c> is configured: without it the gateway keeps today's behaviour (keys
/// of this process only), which is right for one gateway and wrong for several.
/// </summary>
public static class DatabaseSetup
{
    /// <summary>Data-protection application name: the same on every replica, so they share one key ring.</summary>
    public const string DataProtectionApplication = "federation-gateway";

    public static bool HasDatabase(IConfiguration configuration) =>
        configuration.GetSection(DatabaseOptions.Section).Exists();

    public static IHostApplicationBuilder AddGatewayDatabase(this IHostApplicationBuilder builder)
    {
        if (!HasDatabase(builder.Configuration))
        {
            builder.Services.AddDataProtection().SetApplicationName(DataProtectionApplication);
            return builder;
        }
        builder.Services.AddServiceDbContext<DatabaseOptions, GatewayDbContext, SqliteGatewayDbContext, PostgresGatewayDbContext>("data/gateway.db");
        builder.Services.AddSharedDataProtection<GatewayDbContext>(DataProtectionApplication);
        builder.Services.AddHealthChecks().AddDbContextCheck<GatewayDbContext>("database", tags: [ServiceDefaults.ReadyTag]);
        return builder;
    }

    /// <summary>Migrations, one replica at a time; nothing without a database.</summary>
    public static async Task PrepareGatewayDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        if (!HasDatabase(app.Configuration))
        {
            return;
        }
        await using var scope = app.Services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        await ServiceDatabase.PrepareAsync(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<GatewayDbContext>(), "gateway",
            options.MigrateOnStart, null, cancellationToken);
    }
}
