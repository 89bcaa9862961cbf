using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Federation.Idp.Telemetry;

/// <summary>Meter and activity source <c>Federation.Idp</c> (picked up by the service defaults' wildcard).</summary>
public static class IdpTelemetry
{
    public const string Name = "Federation.Idp";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Sign-ins by protocol, upstream, client and outcome (success or the failure reason).</summary>
    public static readonly Counter<long> Logins = Meter.CreateCounter<long>(
        "federation.logins", unit: "{login}", description: "Sign-ins by protocol, upstream, client and outcome");

    /// <summary>Seconds from showing the sign-in form to a completed sign-in.</summary>
    public static readonly Histogram<double> LoginDuration = Meter.CreateHistogram<double>(
        "federation.login.duration", unit: "s", description: "Time a person spends signing in");

    /// <summary>Tokens issued by the token endpoint by grant type.</summary>
    public static readonly Counter<long> TokensIssued = Meter.CreateCounter<long>(
        "federation.tokens.issued", unit: "{token}", description: "Token responses by grant type and client");

    /// <summary>Clients of the register the idp could not apply, counted at every feed version that still has them.</summary>
    public static readonly Counter<long> SkippedClients = Meter.CreateCounter<long>(
        "federation.clients.skipped", unit: "{client}", description: "Register clients the idp could not apply, per feed version");

    public static void CountSkippedClient(string client) =>
        SkippedClients.Add(1, new KeyValuePair<string, object?>("client", client));

    public static void CountLogin(string protocol, string upstream, string? client, string outcome) =>
        Logins.Add(1,
            new KeyValuePair<string, object?>("protocol", protocol),
            new KeyValuePair<string, object?>("upstream", upstream),
            new KeyValuePair<string, object?>("client", client ?? "none"),
            new KeyValuePair<string, object?>("outcome", outcome));

    public static void CountToken(string grantType, string? client) =>
        TokensIssued.Add(1,
            new KeyValuePair<string, object?>("grant_type", grantType),
            new KeyValuePair<string, object?>("client", client ?? "none"));
}
