using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Federation.Idp.Saml;

/// <summary>SAML's share of <c>federation.logins</c> (meter <c>Federation.Idp.Saml</c>).</summary>
public sealed class SamlTelemetry : IDisposable
{
    public const string MeterName = "Federation.Idp.Saml";

    /// <summary>Spans for validating responses and issuing them (picked up by the <c>Federation.*</c> wildcard).</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> logins;

    public SamlTelemetry() =>
        logins = meter.CreateCounter<long>("federation.logins", description: "Sign-ins by protocol, direction, party and outcome.");

    /// <param name="direction"><c>upstream</c> (we are the SP) or <c>downstream</c> (we are the IdP).</param>
    public void Login(string direction, string party, string outcome, string? reason) =>
        logins.Add(1,
            new KeyValuePair<string, object?>("protocol", "saml"),
            new KeyValuePair<string, object?>("direction", direction),
            new KeyValuePair<string, object?>("party", party),
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("reason", reason ?? "none"));

    public void Dispose() => meter.Dispose();
}
