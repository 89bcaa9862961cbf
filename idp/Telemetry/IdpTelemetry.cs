using System.Diagnostics;
using System.Diagnostics.Metrics;
using Federation.Idp.Clients;
using Federation.Idp.Keys;

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
/// Names are stable (dashboards and alerts in <c>k8s/monitoring</c> query them): <c>federation.idp.*</c>,
/// units in UCUM (<c>s</c>) or annotations (<c>{sign-in}</c>).
/// </summary>
public sealed partial class IdpMetrics
{
    private readonly Counter<long> _signIns;
    private readonly Histogram<double> _signInDuration;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _skippedClients;
    private readonly Counter<long> _samlRefusals;
    private readonly IServiceProvider _services;
    private readonly ILogger<IdpMetrics> _logger;

    public IdpMetrics(IMeterFactory meterFactory, IServiceProvider services, ILogger<IdpMetrics> logger)
    {
        _services = services;
        _logger = logger;
        var meter = meterFactory.Create(IdpTelemetry.Name);
        _signIns = meter.CreateCounter<long>(
            "federation.idp.sign_ins", unit: "{sign-in}", description: "Sign-ins by protocol, upstream, client, system and outcome (success or the failure reason)");
        _signInDuration = meter.CreateHistogram<double>(
            "federation.idp.sign_in.duration", unit: "s", description: "Time from showing the sign-in form to a completed sign-in");
        _tokens = meter.CreateCounter<long>(
            "federation.idp.tokens", unit: "{token}", description: "Token responses by grant type, client and system");
        _skippedClients = meter.CreateCounter<long>(
            "federation.idp.clients.skipped", unit: "{client}", description: "Register clients the idp could not apply, per feed version");
        _samlRefusals = meter.CreateCounter<long>(
            "federation.idp.saml.refusals", unit: "{refusal}", description: "SAML messages refused, by reason and direction");
        // Resolved when observed: the key ring and the SAML catalog are built after the metrics.
        meter.CreateObservableGauge("federation.idp.signing_key.expiry", ObserveSigningKey, unit: "s",
            description: "Seconds until the key that signs now expires (negative: expired)");
        meter.CreateObservableGauge("federation.idp.upstream.certificate.expiry", ObserveUpstreamCertificates, unit: "s",
            description: "Seconds until each upstream SAML IdP's signing certificate expires (negative: expired)");
    }

    /// <summary>Clients of the register the idp could not apply, counted at every feed version that still has them.</summary>
    public void CountSkippedClient(string client) =>
        _skippedClients.Add(1, new KeyValuePair<string, object?>("client", client));

    /// <summary>Sign-ins by protocol, upstream, client, the client's system and outcome (success or the failure reason).</summary>
    public void CountSignIn(string protocol, string upstream, string? client, string outcome) =>
        _signIns.Add(1,
            new KeyValuePair<string, object?>("protocol", protocol),
            new KeyValuePair<string, object?>("upstream", upstream),
            new KeyValuePair<string, object?>("client", client ?? "none"),
            new KeyValuePair<string, object?>("system", SystemOf(client)),
            new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A token response of the token endpoint: counted by grant type and logged (subject only, never the token).</summary>
    public void TokenIssued(string grantType, string? client, string? subject)
    {
        var system = SystemOf(client);
        _tokens.Add(1,
            new KeyValuePair<string, object?>("grant_type", grantType),
            new KeyValuePair<string, object?>("client", client ?? "none"),
            new KeyValuePair<string, object?>("system", system));
        LogTokenIssued(_logger, grantType, client ?? "none", system, subject ?? "none");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Token issued: grant {GrantType} to client {ClientId} ({System}) for subject {Subject}")]
    private static partial void LogTokenIssued(ILogger logger, string grantType, string clientId, string system, string subject);

    /// <summary>A refused SAML message: <paramref name="direction"/> <c>upstream</c> (a response we validated) or <c>downstream</c> (a request to us).</summary>
    public void CountSamlRefusal(string direction, string reason) =>
        _samlRefusals.Add(1,
            new KeyValuePair<string, object?>("direction", direction),
            new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Seconds from showing the sign-in form to a completed sign-in.</summary>
    public void RecordSignInDuration(double seconds, string protocol, string upstream, string? client) =>
        _signInDuration.Record(seconds,
            new KeyValuePair<string, object?>("protocol", protocol),
            new KeyValuePair<string, object?>("upstream", upstream),
            new KeyValuePair<string, object?>("client", client ?? "none"),
            new KeyValuePair<string, object?>("system", SystemOf(client)));

    /// <summary>The register's system of a client (from the feed), so sign-ins can be read per system.</summary>
    private string SystemOf(string? client) =>
        client is null ? "none" : _services.GetService<RegisteredClients>()?.Find(client)?.Id ?? "unknown";

    private IEnumerable<Measurement<double>> ObserveSigningKey()
    {
        if (_services.GetService<KeyRing>() is not { } ring || ring.Keys.Count == 0)
        {
            yield break;
        }
        var now = _services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var use in KeyUse.All)
        {
            var current = ring.Keys.Where(k => k.Use == use && k.ActivatesAt <= now).OrderByDescending(k => k.ExpiresAt).FirstOrDefault();
            if (current is not null)
            {
                yield return new Measurement<double>((current.ExpiresAt - now).TotalSeconds, new KeyValuePair<string, object?>("use", use));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveUpstreamCertificates()
    {
        if (_services.GetService<Saml.Sp.UpstreamIdpCatalog>() is not { } catalog)
        {
            yield break;
        }
        var now = _services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var upstream in catalog.All)
        {
            // The one that lasts longest: a rollover's new certificate keeps the upstream usable.
            var last = upstream.SigningCertificates.Max(c => new DateTimeOffset(c.NotAfter.ToUniversalTime()));
            yield return new Measurement<double>((last - now).TotalSeconds, new KeyValuePair<string, object?>("upstream", upstream.Name));
        }
    }
}
