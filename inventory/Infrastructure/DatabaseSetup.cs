using Federation.Hosting;
using Federation.Hosting.Database;
using Federation.Inventory.Register;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.Inventory.Infrastructure;

/// <summary>Section <c>Database</c>: the services' one shape, plus the register's demo seed.</summary>
public sealed class RegisterDatabaseOptions : DatabaseOptions
{
    /// <summary>
    /// Load the demo register when the database is new. Unset means only in Development: the demo
    /// register holds the README's client secrets, so elsewhere it must be asked for (<c>run.sh</c> does).
    /// </summary>
    public bool? SeedDemo { get; set; }
}

/// <summary>The register's database, by the services' one convention (<see cref="ServiceDatabase"/>).</summary>
public static class DatabaseSetup
{
    /// <summary>Data-protection application name: the same on every replica, so they share one key ring.</summary>
    public const string DataProtectionApplication = "federation-inventory";

    public static IHostApplicationBuilder AddRegisterDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddServiceDbContext<RegisterDatabaseOptions, InventoryDbContext, SqliteInventoryDbContext, PostgresInventoryDbContext>(
            "data/inventory.db");
        builder.Services.AddSharedDataProtection<InventoryDbContext>(DataProtectionApplication);
        builder.Services.AddHostedService<RegisterInitializer>();
        builder.Services.AddHealthChecks().AddDbContextCheck<InventoryDbContext>("database", tags: [ServiceDefaults.ReadyTag]);
        return builder;
    }
}

/// <summary>
/// Applies migrations and, on a new database, loads the demo register. Runs in the host's
/// "starting" phase: after the options are validated, before the server takes requests.
/// </summary>
public sealed class RegisterInitializer(IServiceScopeFactory scopes, IOptions<RegisterDatabaseOptions> options, IHostEnvironment environment)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        // Under the start-up lock: two replicas starting together seed and repair once.
        await ServiceDatabase.PrepareAsync(scope.ServiceProvider, db, "inventory", options.Value.MigrateOnStart, async ct =>
        {
            await KeyLegacyChainAsync(scope.ServiceProvider, ct);
            if (await scope.ServiceProvider.GetRequiredService<SystemStore>().HashPlainSecretsAsync(ct) is > 0 and var hashed)
            {
                scope.ServiceProvider.GetRequiredService<ILogger<RegisterInitializer>>().LogWarning(
                    "{Count} client secrets were stored in clear; they are hashed now", hashed);
            }

            if (options.Value.SeedDemo ?? environment.IsDevelopment())
            {
                await scope.ServiceProvider.GetRequiredService<DemoRegister>().SeedIfNewAsync(ct);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// A register from before the keyed chain ends in an unkeyed entry: one keyed entry appended
    /// after it holds the old entries in place (it links to them) and keys everything after.
    /// </summary>
    private static async Task KeyLegacyChainAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<InventoryDbContext>();
        var chain = services.GetRequiredService<AuditChain>();
        var head = await db.Audit.AsNoTracking().OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(ct);
        if (head is null || chain.HashOf(head) == head.Hash)
        {
            return;
        }

        await using var tx = await RegisterTransaction.BeginAsync(db, chain, "system:audit", services.GetRequiredService<TimeProvider>(), ct);
        tx.Audit(AuditChain.KeyedAction, "audit", null, null);
        await tx.CommitAsync(ct);
        services.GetRequiredService<ILogger<RegisterInitializer>>().LogWarning(
            "The audit chain was unkeyed up to entry {Sequence}; it is keyed from the entry after it", head.Sequence);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
