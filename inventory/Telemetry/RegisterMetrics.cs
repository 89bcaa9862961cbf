using System.Diagnostics.Metrics;
using Federation.Inventory.Domain;
using Federation.Inventory.Register;

namespace Federation.Inventory.Telemetry;

/// <summary>
/// Meter <c>Federation.Inventory</c>: <c>federation.register.findings</c>, the register's open
/// compliance findings by rule and severity (a gauge). The findings are counted after every register
/// change and at least every <see cref="Interval"/> (rules depend on the date, e.g. an expired
/// processor agreement), not on each scrape, so a scrape never queries the database.
/// </summary>
public sealed class RegisterMetrics : BackgroundService
{
    public const string MeterName = "Federation.Inventory";

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private readonly IServiceScopeFactory _scopes;
    private readonly RegisterChangeSignal _changes;
    private readonly TimeProvider _time;
    private readonly ILogger<RegisterMetrics> _logger;
    private volatile IReadOnlyList<Measurement<int>> _findings = [];

    public RegisterMetrics(IMeterFactory meterFactory, IServiceScopeFactory scopes, RegisterChangeSignal changes, TimeProvider time, ILogger<RegisterMetrics> logger)
    {
        _scopes = scopes;
        _changes = changes;
        _time = time;
        _logger = logger;
        meterFactory.Create(MeterName).CreateObservableGauge("federation.register.findings", () => _findings,
            unit: "{finding}", description: "Open compliance findings in the register, by rule and severity");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = _changes.NextChange;
            try
            {
                await CountAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The gauge keeps its last counts; the next change or interval tries again.
                _logger.LogWarning("Counting the register's findings failed: {Reason}", ex.Message);
            }
            await ((Task)Task.WhenAny(changed, Task.Delay(Interval, _time, stoppingToken))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task CountAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<SystemStore>();
        var findings = ComplianceFindings.For(await store.AllAsync(includeRetired: false, ct), store.Today());
        _findings = [.. findings
            .GroupBy(f => (f.Rule, f.Severity))
            .Select(g => new Measurement<int>(g.Count(),
                new KeyValuePair<string, object?>("rule", g.Key.Rule),
                new KeyValuePair<string, object?>("severity", g.Key.Severity)))];
    }
}
