using System.Diagnostics;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Federation.Idp.Telemetry;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Audit;

/// <summary>
/// One audit event of a sign-in or a failure. Never holds a password, a code or a token.
/// Field names are the ones posted to the register's <c>/api/signin-events</c>.
/// </summary>
/// <param name="Outcome"><c>success</c> or a failure reason (<c>bad_credentials</c>, <c>locked_out</c>, <c>bad_mfa_code</c>, …);
/// <see cref="SignInAudit.Released"/> when a system received attributes about the person.</param>
/// <param name="SystemId">The register's system that received <paramref name="Released"/>.</param>
/// <param name="Released">The names of the attributes released (never their values).</param>
public sealed record SignInEvent(
    DateTimeOffset OccurredAt,
    string Protocol,
    string? Upstream,
    string? ClientId,
    string? Subject,
    string? UserName,
    string Outcome,
    string? AssuranceLevel,
    string? TraceId,
    string? SystemId = null,
    IReadOnlyList<string>? Released = null);

/// <summary>Logs each sign-in event, counts it, and forwards it to the register when configured (best effort).</summary>
public sealed class SignInAudit(ILogger<SignInAudit> logger, TimeProvider time, IdpMetrics metrics)
{
    private readonly Channel<Outgoing> _outbox = Channel.CreateBounded<Outgoing>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>An event and the span it happened in, so posting it later stays in the sign-in's trace.</summary>
    internal sealed record Outgoing(SignInEvent Event, ActivityContext Trace);

    internal ChannelReader<Outgoing> Outbox => _outbox.Reader;

    /// <summary>The outcome of a release event.</summary>
    public const string Released = "released";

    /// <summary>
    /// A system received attributes about a person (an OIDC sign-in, a SAML response, a gateway
    /// token for a backend): the register keeps which attributes, for the person's own page.
    /// </summary>
    public void RecordRelease(string protocol, string? upstream, string? clientId, string systemId, string subject, string? userName,
        IEnumerable<string> attributes, string? assuranceLevel)
    {
        var names = attributes.Distinct(StringComparer.Ordinal).ToList();
        logger.LogInformation("Released {Attributes} about subject {Subject} to system {System} via {Protocol}",
            string.Join(' ', names), subject, systemId, protocol);
        _outbox.Writer.TryWrite(new Outgoing(
            new SignInEvent(time.GetUtcNow(), protocol, upstream, clientId, subject, userName, Released, assuranceLevel,
                Activity.Current?.TraceId.ToString(), systemId, names),
            Activity.Current?.Context ?? default));
    }

    public void Record(string protocol, string upstream, string? clientId, string? subject, string? userName, string outcome, string? assuranceLevel)
    {
        var e = new SignInEvent(time.GetUtcNow(), protocol, upstream, clientId, subject, userName, outcome,
            assuranceLevel, Activity.Current?.TraceId.ToString());
        // The subject only: a user name may be a personnummer (or a mistyped password); the register's
        // audit store, not the log, keeps who it was.
        if (outcome == "success")
        {
            logger.LogInformation("Sign-in {Outcome}: subject {Subject} via {Protocol}/{Upstream} for client {ClientId} at {AssuranceLevel}",
                outcome, subject, protocol, upstream, clientId, assuranceLevel);
        }
        else
        {
            logger.LogWarning("Sign-in failed ({Outcome}): subject {Subject} via {Protocol}/{Upstream} for client {ClientId}",
                outcome, subject ?? "unknown", protocol, upstream, clientId);
        }
        metrics.CountSignIn(protocol, upstream, clientId, outcome);
        _outbox.Writer.TryWrite(new Outgoing(e, Activity.Current?.Context ?? default));
    }
}

/// <summary>Posts audit events to the register; a failure is logged and the event dropped (the log keeps it).</summary>
public sealed class SignInEventForwarder(
    SignInAudit audit,
    IHttpClientFactory http,
    Clients.SelfIssuedTokens tokens,
    IOptions<IdpOptions> options,
    ILogger<SignInEventForwarder> logger) : BackgroundService
{
    public const string HttpClientName = "federation-signin-events";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (e, trace) in audit.Outbox.ReadAllAsync(stoppingToken))
        {
            if (options.Value.SigninEventsUrl is not { } url)
            {
                continue;
            }
            // The post belongs to the sign-in that caused it, not to this background loop.
            using var activity = trace == default ? null : IdpTelemetry.Source.StartActivity("signin_event.forward", ActivityKind.Internal, trace);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(e) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.SigninEventsToken());
                using var response = await http.CreateClient(HttpClientName).SendAsync(request, stoppingToken);
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogWarning("The register refused a sign-in event: {Status}", (int)response.StatusCode);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Posting a sign-in event to the register failed: {Reason}", ex.Message);
            }
        }
    }
}
