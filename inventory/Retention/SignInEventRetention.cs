using System.Text.Json;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Register;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.Inventory.Retention;

/// <summary>Configuration section <c>Retention</c>.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>The register's own system, whose registered retention governs its sign-in events.</summary>
    public string FederationSystemId { get; set; } = "federation";

    /// <summary>How often the background job deletes expired sign-in events.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>What one retention run did.</summary>
/// <param name="RetentionDays">The registered retention, or null when the record of processing has none (then nothing is deleted).</param>
public sealed record RetentionRun(DateTimeOffset RanAt, int? RetentionDays, DateTimeOffset? Cutoff, int Deleted);

/// <summary>
/// Gallring of the federation's own personal data: sign-in events older than the retention
/// registered in the <c>federation</c> system's record of processing are deleted, and the
/// deletion is written to the audit log. Changing the register changes the deletion.
/// </summary>
public sealed class SignInEventRetention(InventoryDbContext db, TimeProvider time, IOptions<RetentionOptions> options, ILogger<SignInEventRetention> logger)
{
    public const string Actor = "system:retention";

    public async Task<RetentionRun> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var store = new SystemStore(db, time, new RegisterChangeSignal());
        var days = (await store.FindAsync(options.Value.FederationSystemId, ct))?.Record.Processing.RetentionDays;
        if (days is not { } retentionDays)
        {
            logger.LogWarning("System '{System}' has no registered retention in days; sign-in events are kept", options.Value.FederationSystemId);
            return new RetentionRun(now, null, null, 0);
        }

        var cutoff = now.AddDays(-retentionDays);
        var cutoffUtc = cutoff.UtcDateTime;
        await using var tx = await RegisterTransaction.BeginAsync(db, Actor, time, ct);
        var deleted = await db.SignInEvents.Where(e => e.At < cutoffUtc).ExecuteDeleteAsync(ct);
        if (deleted > 0)
        {
            tx.Audit("retention", "signin-events", null, JsonSerializer.Serialize(new { deleted, cutoff, retentionDays }, SystemRows.Json));
        }

        await tx.CommitAsync(ct);
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} sign-in events older than {Days} days", deleted, retentionDays);
        }

        return new RetentionRun(now, retentionDays, cutoff, deleted);
    }
}

/// <summary>Runs <see cref="SignInEventRetention"/> on start and then every <see cref="RetentionOptions.Interval"/>.</summary>
public sealed class SignInEventRetentionJob(IServiceScopeFactory scopes, TimeProvider time, IOptions<RetentionOptions> options, ILogger<SignInEventRetentionJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<SignInEventRetention>().RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed run is retried at the next tick; the service stays up.
                logger.LogError(e, "Sign-in event retention failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
