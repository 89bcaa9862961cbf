using System.Diagnostics;
using Federation.Idp.Telemetry;

namespace Federation.Idp.Saml;

/// <summary>
/// SAML's share of the idp's <c>federation.idp.sign_ins</c> counter, and its refusals in
/// <c>federation.idp.saml.refusals</c> (meter <c>Federation.Idp</c>, one
/// instrument for every protocol) and its own spans (<c>Federation.Idp.Saml</c>).
/// </summary>
public sealed class SamlTelemetry(IdpMetrics metrics)
{
    public const string SourceName = "Federation.Idp.Saml";

    /// <summary>Spans for validating responses and issuing them (picked up by the <c>Federation.*</c> wildcard).</summary>
    public static readonly ActivitySource ActivitySource = new(SourceName);

    /// <param name="direction"><c>upstream</c> (we are the SP: <paramref name="party"/> is the upstream IdP) or
    /// <c>downstream</c> (we are the IdP: <paramref name="party"/> is the SP's entity ID).</param>
    /// <param name="outcome"><c>success</c> or <c>refused</c>; a refusal is counted under its reason code.</param>
    public void Login(string direction, string party, string outcome, string? reason)
    {
        var counted = outcome == "success" ? "success" : reason ?? outcome;
        if (outcome != "success")
        {
            metrics.CountSamlRefusal(direction, counted);
        }
        if (direction == "upstream")
        {
            metrics.CountSignIn("saml", party, null, counted);
        }
        else
        {
            metrics.CountSignIn("saml", "session", party, counted);
        }
    }
}
