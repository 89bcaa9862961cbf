using System.Diagnostics;

namespace Federation.Hosting;

/// <summary>
/// Keeps one sign-in in one trace across the browser's redirects. A redirect is a new request from
/// the browser, which sends no <c>traceparent</c>, so each hop would start a trace of its own. The
/// service that starts a sign-in therefore hands its W3C trace context (the <c>traceparent</c>
/// value, never anything secret) along with the sign-in itself: the gateway puts it in the OIDC
/// <c>state</c> (its protected authentication properties) and in the authorize request's
/// <see cref="Parameter"/> parameter, which the idp keeps in its login pages' ReturnUrl. Each hop
/// then runs its work in a span whose parent is that context and which links the request's own span.
/// </summary>
public static class SignInTrace
{
    /// <summary>The authorize request parameter and authentication property item that carry the context.</summary>
    public const string Parameter = "traceparent";

    /// <summary>Spans that continue a sign-in (picked up by the <c>Federation.*</c> wildcard).</summary>
    public static readonly ActivitySource Source = new(ServiceDefaults.TelemetryPrefix + ".SignIn");

    /// <summary>The current span as a W3C <c>traceparent</c> value, or null without one.</summary>
    public static string? Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>
    /// Starts <paramref name="name"/> as a child of <paramref name="traceparent"/>, linked to the
    /// request's own span; null (nothing started) when the value is not a W3C trace context or is the
    /// trace already running. Without a tracer listening, an unrecorded activity still carries the
    /// trace id into the log lines.
    /// </summary>
    public static Activity? Continue(string name, string? traceparent)
    {
        if (string.IsNullOrEmpty(traceparent)
            || traceparent.Length > 55
            || !ActivityContext.TryParse(traceparent, null, isRemote: true, out var parent)
            || Activity.Current?.TraceId == parent.TraceId)
        {
            return null;
        }
        ActivityLink[]? links = Activity.Current is { } own ? [new ActivityLink(own.Context)] : null;
        if (Source.StartActivity(name, ActivityKind.Internal, parent, links: links) is { } recorded)
        {
            return recorded;
        }
        var unrecorded = new Activity(name);
        unrecorded.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        return unrecorded.Start();
    }
}
