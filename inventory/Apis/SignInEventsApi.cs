using Federation.Inventory.Auth;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Retention;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Federation.Inventory.Apis;

/// <summary>A sign-in the idp reports.</summary>
/// <param name="At">When it happened; now when left out.</param>
/// <param name="Protocol"><c>oidc</c> or <c>saml</c>.</param>
/// <param name="Outcome">e.g. <c>success</c>, <c>failure</c>, <c>denied</c>.</param>
public sealed record SignInEventRequest(DateTimeOffset? At, string Subject, string? SystemId, string? ClientId, string Protocol,
    string Outcome, string? UpstreamIdp, string? AssuranceLevel);

/// <summary>A stored sign-in event.</summary>
public sealed record SignInEventView(long Id, DateTimeOffset At, string Subject, string? SystemId, string? ClientId, string Protocol,
    string Outcome, string? UpstreamIdp, string? AssuranceLevel);

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
        if (string.IsNullOrWhiteSpace(request.Subject) || request.Subject.Length > 200) errors["subject"] = ["Required, at most 200 characters."];
        if (request.Protocol is not ("oidc" or "saml")) errors["protocol"] = ["Use oidc or saml."];
        if (string.IsNullOrWhiteSpace(request.Outcome) || request.Outcome.Length > 40) errors["outcome"] = ["Required, at most 40 characters."];
        if (request.SystemId?.Length > 64) errors["systemId"] = ["At most 64 characters."];
        if (request.ClientId?.Length > 200) errors["clientId"] = ["At most 200 characters."];
        if (request.UpstreamIdp?.Length > 200) errors["upstreamIdp"] = ["At most 200 characters."];
        if (request.AssuranceLevel?.Length > 20) errors["assuranceLevel"] = ["At most 20 characters."];
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var entity = new SignInEvent
        {
            At = (request.At ?? time.GetUtcNow()).UtcDateTime,
            Subject = request.Subject,
            SystemId = request.SystemId,
            ClientId = request.ClientId,
            Protocol = request.Protocol,
            Outcome = request.Outcome,
            UpstreamIdp = request.UpstreamIdp,
            AssuranceLevel = request.AssuranceLevel,
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
        new(e.Id, new DateTimeOffset(DateTime.SpecifyKind(e.At, DateTimeKind.Utc)), e.Subject, e.SystemId, e.ClientId, e.Protocol, e.Outcome, e.UpstreamIdp, e.AssuranceLevel);
}
