using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Federation.Idp.Telemetry;

/// <summary>The activity source <c>Federation.Idp</c> (picked up by the service defaults' wildcard).</summary>
public static class IdpTelemetry
{
    public const string Name = "Federation.Idp";

    public static readonly ActivitySource Source = new(Name);
}

/// <summary>
/// The idp's meter <c>Federation.Idp</c>, made by the host's <see cref="IMeterFactory"/> (as the
/// gateway's and the register's are), so each host, and each test host, has its own instruments.
/// </summary>
public sealed class IdpMetrics
{
    private readonly Counter<long> _logins;
    private readonly Histogram<double> _loginDuration;
    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _skippedClients;

    public IdpMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(IdpTelemetry.Name);
        _logins = meter.CreateCounter<long>(
            "federation.logins", unit: "{login}", description: "Sign-ins by protocol, upstream, client and outcome");
        _loginDuration = meter.CreateHistogram<double>(
            "federation.login.duration", unit: "s", description: "Time a person spends signing in");
        _tokensIssued = meter.CreateCounter<long>(
            "federation.tokens.issued", unit: "{token}", description: "Token responses by grant type and client");
        _skippedClients = meter.CreateCounter<long>(
            "federation.clients.skipped", unit: "{client}", description: "Register clients the idp could not apply, per feed version");
    }

    /// <summary>Clients of the register the idp could not apply, counted at every feed version that still has them.</summary>
    public void CountSkippedClient(string client) =>
        _skippedClients.Add(1, new KeyValuePair<string, object?>("client", client));

    /// <summary>Sign-ins by protocol, upstream, client and outcome (success or the failure reason).</summary>
    public void CountLogin(string protocol, string upstream, string? client, string outcome) =>
        _logins.Add(1,
            new KeyValuePair<string, object?>("protocol", protocol),
            new KeyValuePair<string, object?>("upstream", upstream),
            new KeyValuePair<string, object?>("client", client ?? "none"),
            new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Tokens issued by the token endpoint by grant type.</summary>
    public void CountToken(string grantType, string? client) =>
        _tokensIssued.Add(1,
            new KeyValuePair<string, object?>("grant_type", grantType),
            new KeyValuePair<string, object?>("client", client ?? "none"));

    /// <summary>Seconds from showing the sign-in form to a completed sign-in.</summary>
    public void RecordLoginDuration(double seconds, string upstream, string? client) =>
        _loginDuration.Record(seconds,
            new KeyValuePair<string, object?>("upstream", upstream),
            new KeyValuePair<string, object?>("client", client ?? "none"));
}
