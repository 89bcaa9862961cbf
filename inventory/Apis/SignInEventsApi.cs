using Federation.Inventory.Auth;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Retention;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Federation.Inventory.Apis;

/// <summary>A sign-in the idp reports (the idp's <c>SignInEvent</c> as JSON).</summary>
/// <param name="OccurredAt">When it happened; now when left out.</param>
/// <param name="Protocol"><c>oidc</c> or <c>saml</c>.</param>
/// <param name="Upstream">Where the user signed in: the local accounts or an upstream IdP.</param>
/// <param name="Subject">The user's subject id; null when the user was not found.</param>
/// <param name="UserName">The user name as typed or asserted.</param>
/// <param name="Outcome"><c>success</c> or a failure reason such as <c>bad_credentials</c>.</param>
/// <param name="SystemId">The register's system; found from <paramref name="ClientId"/> when left out.</param>
public sealed record SignInEventRequest(DateTimeOffset? OccurredAt, string Protocol, string? Upstream, string? ClientId, string? Subject,
    string? UserName, string Outcome, string? AssuranceLevel, string? TraceId = null, string? SystemId = null);

/// <summary>A stored sign-in event.</summary>
public sealed record SignInEventView(long Id, DateTimeOffset OccurredAt, string Protocol, string? Upstream, string? ClientId, string? Subject,
    string? UserName, string Outcome, string? AssuranceLevel, string? TraceId, string? SystemId);

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

    public static async Task<Ok<RetentionRun>> RunRetention(SignInEventRetention retention, CancellationToken ct) =>
        TypedResults.Ok(await retention.RunAsync(ct));

    private static SignInEventView View(SignInEvent e) =>
        new(e.Id, new DateTimeOffset(DateTime.SpecifyKind(e.At, DateTimeKind.Utc)), e.Protocol, e.UpstreamIdp, e.ClientId, e.Subject,
            e.UserName, e.Outcome, e.AssuranceLevel, e.TraceId, e.SystemId);
}
