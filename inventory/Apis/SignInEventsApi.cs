using Federation.Core.Attributes;
using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Register;
using Federation.Inventory.Retention;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.Inventory.Apis;

/// <summary>A sign-in the idp reports (the idp's <c>SignInEvent</c> as JSON).</summary>
/// <param name="OccurredAt">When it happened; now when left out.</param>
/// <param name="Protocol"><c>oidc</c> or <c>saml</c>.</param>
/// <param name="Upstream">Where the user signed in: the local accounts or an upstream IdP.</param>
/// <param name="Subject">The user's subject id; null when the user was not found.</param>
/// <param name="UserName">The user name as typed or asserted.</param>
/// <param name="Outcome"><c>success</c> or a failure reason such as <c>bad_credentials</c>.</param>
/// <param name="SystemId">The register's system; found from <paramref name="ClientId"/> when left out.</param>
/// <param name="Released">For outcome <c>released</c>: the names of the attributes the system received (never their values).</param>
public sealed record SignInEventRequest(DateTimeOffset? OccurredAt, string Protocol, string? Upstream, string? ClientId, string? Subject,
    string? UserName, string Outcome, string? AssuranceLevel, string? TraceId = null, string? SystemId = null,
    IReadOnlyList<string>? Released = null);

/// <summary>A stored sign-in event.</summary>
public sealed record SignInEventView(long Id, DateTimeOffset OccurredAt, string Protocol, string? Upstream, string? ClientId, string? Subject,
    string? UserName, string Outcome, string? AssuranceLevel, string? TraceId, string? SystemId, IReadOnlyList<string> Released);

/// <summary>Everything the federation released about one person, for the person's own page (GDPR Art. 15).</summary>
/// <param name="RetentionDays">How long the register keeps these events (the federation's registered retention).</param>
/// <param name="Releases">Newest first.</param>
/// <param name="Systems">Each system named in <paramref name="Releases"/>, with its record of processing.</param>
public sealed record SubjectReleases(string Subject, int? RetentionDays, IReadOnlyList<ReleaseView> Releases, IReadOnlyList<ReleasedToSystem> Systems);

/// <summary>One release: which system received which attributes, when.</summary>
public sealed record ReleaseView(DateTimeOffset OccurredAt, string? SystemId, string? ClientId, string Protocol, IReadOnlyList<string> Attributes,
    string? AssuranceLevel);

/// <summary>A system that received attributes: why it processes them and on which legal basis.</summary>
public sealed record ReleasedToSystem(string Id, string Name, IReadOnlyList<string> Purposes, IReadOnlyList<LegalBasisView> LegalBasis);

/// <summary>A legal basis of GDPR Art. 6(1): its letter and what it means, in Swedish and English.</summary>
public sealed record LegalBasisView(string Letter, string Sv, string En);

/// <summary><c>/api/signin-events</c>: the federation's own sign-in log, kept no longer than registered.</summary>
public static class SignInEventsApi
{
    public static IEndpointRouteBuilder MapSignInEventsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/signin-events").WithTags("Sign-in events");
        group.MapPost("/", Record).RequireAuthorization(InventoryAuth.SignInEventWriter)
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024))
            .WithName("RecordSignInEvent").WithSummary("The idp reports a sign-in (needs scope federation.signin-events).");
        group.MapGet("/", List).RequireAuthorization(InventoryAuth.RegisterAdmin)
            .WithName("ListSignInEvents").WithSummary("Recent sign-in events, newest first.");
        // The idp asks on behalf of the signed-in person; the subject comes from that person's session there.
        group.MapGet("/subjects/{subject}", ForSubject).RequireAuthorization(InventoryAuth.SubjectReleasesReader)
            .WithName("ListSubjectReleases")
            .WithSummary("What was released about one person, with each system's purposes and legal basis (the idp's own token with scope federation.signin-events.subject only).");
        group.MapPost("/retention", RunRetention).RequireAuthorization(InventoryAuth.RegisterAdmin)
            .WithName("RunSignInEventRetention").WithSummary("Delete sign-in events older than the federation's registered retention now.");
        return app;
    }

    public static async Task<Results<Created<SignInEventView>, ValidationProblem>> Record(
        SignInEventRequest request, InventoryDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Subject) && string.IsNullOrWhiteSpace(request.UserName)) errors["subject"] = ["Give the subject or the user name."];
        if (request.Protocol is not ("oidc" or "saml")) errors["protocol"] = ["Use oidc or saml."];
        if (string.IsNullOrWhiteSpace(request.Outcome) || request.Outcome.Length > 40) errors["outcome"] = ["Required, at most 40 characters."];
        foreach (var (field, value, max) in new[]
                 {
                     ("subject", request.Subject, 200), ("userName", request.UserName, 200), ("upstream", request.Upstream, 200),
                     ("clientId", request.ClientId, 200), ("systemId", request.SystemId, 64), ("assuranceLevel", request.AssuranceLevel, 20),
                     ("traceId", request.TraceId, 64),
                 })
        {
            if (value?.Length > max) errors[field] = [$"At most {max} characters."];
        }

        var released = request.Released ?? [];
        if (released.Count > AttributeCatalog.All.Count || released.Any(name => AttributeCatalog.Find(name) is null))
        {
            errors["released"] = ["Give attribute names of the federation's attribute catalog, each once."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var systemId = request.SystemId;
        if (systemId is null && request.ClientId is { } clientId)
        {
            systemId = await db.Systems.Where(s => s.ClientId == clientId).Select(s => s.Id).FirstOrDefaultAsync(ct);
        }

        var entity = new SignInEvent
        {
            At = (request.OccurredAt ?? time.GetUtcNow()).UtcDateTime,
            Subject = request.Subject,
            UserName = request.UserName,
            SystemId = systemId,
            ClientId = request.ClientId,
            Protocol = request.Protocol,
            Outcome = request.Outcome,
            UpstreamIdp = request.Upstream,
            AssuranceLevel = request.AssuranceLevel,
            TraceId = request.TraceId,
            ReleasedAttributes = released.Count == 0 ? null : string.Join(' ', released.Distinct(StringComparer.Ordinal)),
        };
        db.SignInEvents.Add(entity);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/signin-events/{entity.Id}", View(entity));
    }

    public static async Task<Ok<List<SignInEventView>>> List(string? subject, int? limit, InventoryDbContext db, CancellationToken ct)
    {
        var events = db.SignInEvents.AsNoTracking();
        if (!string.IsNullOrEmpty(subject))
        {
            events = events.Where(e => e.Subject == subject);
        }

        var list = await events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
        return TypedResults.Ok(list.Select(View).ToList());
    }

    /// <summary>
    /// The releases about <paramref name="subject"/> still kept (retention has deleted the older ones),
    /// with the register's record of processing of every system that received something.
    /// </summary>
    public static async Task<Ok<SubjectReleases>> ForSubject(string subject, InventoryDbContext db, SystemStore systems,
        IOptions<RetentionOptions> retention, CancellationToken ct)
    {
        var events = await db.SignInEvents.AsNoTracking()
            .Where(e => e.Subject == subject && e.Outcome == Released)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Take(MaxReleases)
            .ToListAsync(ct);
        var releases = events.Select(e => new ReleaseView(Utc(e.At), e.SystemId, e.ClientId, e.Protocol, Names(e.ReleasedAttributes), e.AssuranceLevel))
            .ToList();

        var named = releases.Select(r => r.SystemId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var register = await systems.AllAsync(includeRetired: true, ct);
        var received = register.Where(s => named.Contains(s.Id))
            .Select(s => new ReleasedToSystem(s.Id, s.Name, s.Processing.Purposes,
                [.. s.Processing.LegalBasis.Select(LegalBasisOf)]))
            .ToList();
        var days = register.FirstOrDefault(s => s.Id == retention.Value.FederationSystemId)?.Processing.RetentionDays;
        return TypedResults.Ok(new SubjectReleases(subject, days, releases, received));
    }

    /// <summary>The outcome of an event that records a release of attributes to a system.</summary>
    public const string Released = "released";

    private const int MaxReleases = 1000;

    public static async Task<Ok<RetentionRun>> RunRetention(SignInEventRetention retention, CancellationToken ct) =>
        TypedResults.Ok(await retention.RunAsync(ct));

    private static SignInEventView View(SignInEvent e) =>
        new(e.Id, Utc(e.At), e.Protocol, e.UpstreamIdp, e.ClientId, e.Subject,
            e.UserName, e.Outcome, e.AssuranceLevel, e.TraceId, e.SystemId, Names(e.ReleasedAttributes));

    private static LegalBasisView LegalBasisOf(string letter)
    {
        var words = RegisterText.LegalBasis(letter);
        return new LegalBasisView(letter, words.Sv, words.En);
    }

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    private static string[] Names(string? stored) => stored?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
}
