using System.ComponentModel;
using Federation.Core.Feed;
using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Federation.Inventory.Apis;

/// <summary>Query string of <c>GET /api/systems</c>.</summary>
public sealed record SystemListParameters(
    [property: Description("Free text over id, name, vendor, description, owner and administrator.")] string? Q,
    LifecyclePhase? Lifecycle,
    string? Category,
    [property: Description("elever, vardnadshavare, personal, medborgare, …")] string? DataSubject,
    bool? ThirdCountryTransfer,
    bool? HasFindings,
    int? Page,
    int? PageSize);

/// <summary>Body of <c>POST /api/systems/{id}/lifecycle</c>.</summary>
public sealed record LifecycleStep(LifecyclePhase To);

/// <summary><c>/api/systems</c>: the register's systems, with optimistic concurrency by ETag.</summary>
public static class SystemsApi
{
    /// <summary>Bodies larger than this are refused with 413.</summary>
    public const long MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapSystemsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/systems").WithTags("Systems");
        group.MapGet("/", List).RequireAuthorization(InventoryAuth.RegisterReader)
            .WithName("ListSystems").WithSummary("Search and filter the register.");
        group.MapGet("/{id}", Get).RequireAuthorization(InventoryAuth.RegisterReader)
            .WithName("GetSystem").WithSummary("One system; its ETag is in the ETag header.");

        var writes = group.MapGroup("").RequireAuthorization(InventoryAuth.RegisterAdmin)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        writes.MapPost("/", Create).WithName("CreateSystem").WithSummary("Register a new system.");
        writes.MapDelete("/{id}", Delete).WithName("DeleteSystem").WithSummary("Remove a system; needs If-Match with its current ETag.");

        // Owners change their own systems: who may change what is RegisterPermissions, asked per system.
        var edits = group.MapGroup("").RequireAuthorization(InventoryAuth.RegisterEditor)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        edits.MapPut("/{id}", Update).WithName("UpdateSystem")
            .WithSummary("Replace a system; needs If-Match with its current ETag. A register administrator changes any system; a system owner the systems whose ownerAccounts name them, but not ownerAccounts.");
        edits.MapPost("/{id}/lifecycle", StepLifecycle).WithName("StepSystemLifecycle")
            .WithSummary("Move a system one step through its lifecycle (Anskaffning → Driftsattning → [Administration →] AnvandningOchSupport → Avveckling → Avvecklad); needs If-Match.");
        return app;
    }

    public static async Task<Results<Ok<SystemPage>, ValidationProblem>> List([AsParameters] SystemListParameters p, SystemStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (p.Page is < 1)
        {
            errors["page"] = ["Pages start at 1."];
        }

        if (p.PageSize is < 1 or > 1000)
        {
            errors["pageSize"] = ["Give a page size between 1 and 1000."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = new SystemQuery(p.Q, p.Lifecycle, p.Category, p.DataSubject, p.ThirdCountryTransfer, p.HasFindings, p.Page ?? 1, p.PageSize ?? 100);
        return TypedResults.Ok(await store.ListAsync(query, ct));
    }

    public static async Task<Results<Ok<SystemRecord>, ProblemHttpResult>> Get(string id, SystemStore store, HttpResponse response, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is not var (record, version))
        {
            return NotFound(id);
        }

        response.Headers.ETag = SystemRows.ETag(version);
        return TypedResults.Ok(record.Masked());
    }

    public static async Task<Results<Created<SystemRecord>, ValidationProblem, ProblemHttpResult>> Create(
        SystemRecord system, SystemStore store, HttpContext http, CancellationToken ct)
    {
        var record = SystemValidator.Normalize(system);
        if (SystemValidator.Validate(record) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The system record is not valid.");
        }

        var result = await store.CreateAsync(record, InventoryAuth.ActorOf(http.User), ct);
        if (result.Status == WriteStatus.Conflict)
        {
            return Conflict(result);
        }

        http.Response.Headers.ETag = SystemRows.ETag(result.Version);
        return TypedResults.Created($"/api/systems/{record.Id}", result.Record);
    }

    public static async Task<Results<Ok<SystemRecord>, ValidationProblem, ProblemHttpResult>> Update(
        string id, SystemRecord system, [FromHeader(Name = "If-Match")] string? ifMatch, SystemStore store, HttpContext http, CancellationToken ct)
    {
        var record = SystemValidator.Normalize(string.IsNullOrEmpty(system.Id) ? system with { Id = id } : system);
        var errors = SystemValidator.Validate(record);
        if (record.Id != id)
        {
            errors["id"] = [$"The body's id '{record.Id}' differs from the address's '{id}'; ids cannot be changed."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The system record is not valid.");
        }

        if (await ExpectedVersionAsync(id, ifMatch, store, ct) is not { } expected)
        {
            return await MissingOrUnknown(id, ifMatch, store, ct);
        }

        var person = RegisterPerson.From(http.User);
        if (await store.FindAsync(id, ct) is var (stored, storedVersion))
        {
            if (!RegisterPermissions.CanChange(person, stored, record))
            {
                return Refused(person, stored);
            }

            // Decided on this version only: the write below replaces exactly it or nothing.
            if (storedVersion != expected)
            {
                return PreconditionFailed(id, storedVersion);
            }
        }

        var result = await store.UpdateAsync(id, record, expected, person.Actor, ct);
        switch (result.Status)
        {
            case WriteStatus.NotFound:
                return NotFound(id);
            case WriteStatus.PreconditionFailed:
                return PreconditionFailed(id, result.Version);
            case WriteStatus.Conflict:
                return Conflict(result);
        }

        http.Response.Headers.ETag = SystemRows.ETag(result.Version);
        return TypedResults.Ok(result.Record);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, [FromHeader(Name = "If-Match")] string? ifMatch, SystemStore store, HttpContext http, CancellationToken ct)
    {
        if (await ExpectedVersionAsync(id, ifMatch, store, ct) is not { } expected)
        {
            return await MissingOrUnknown(id, ifMatch, store, ct);
        }

        var result = await store.DeleteAsync(id, expected, InventoryAuth.ActorOf(http.User), ct);
        return result.Status switch
        {
            WriteStatus.NotFound => NotFound(id),
            WriteStatus.PreconditionFailed => PreconditionFailed(id, result.Version),
            _ => TypedResults.NoContent(),
        };
    }

    public static async Task<Results<Ok<SystemRecord>, ProblemHttpResult>> StepLifecycle(
        string id, LifecycleStep step, [FromHeader(Name = "If-Match")] string? ifMatch, SystemStore store, HttpContext http, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is not var (stored, storedVersion))
        {
            return NotFound(id);
        }

        var person = RegisterPerson.From(http.User);
        if (!RegisterPermissions.CanEdit(person, stored))
        {
            return Refused(person, stored);
        }

        if (await ExpectedVersionAsync(id, ifMatch, store, ct) is not { } expected)
        {
            return await MissingOrUnknown(id, ifMatch, store, ct);
        }

        // Decided on this version only: the step below replaces exactly it or nothing.
        if (storedVersion != expected)
        {
            return PreconditionFailed(id, storedVersion);
        }

        var result = await store.StepLifecycleAsync(id, step.To, expected, person.Actor, ct);
        switch (result.Status)
        {
            case WriteStatus.NotFound:
                return NotFound(id);
            case WriteStatus.PreconditionFailed:
                return PreconditionFailed(id, result.Version);
            case WriteStatus.NotAStep:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Not a step of the lifecycle.",
                    detail: LifecycleSteps.Problem(result.Record!.Lifecycle, step.To, RegisterText.Lifecycle)?.En,
                    extensions: new Dictionary<string, object?> { ["allowed"] = LifecycleSteps.From(result.Record.Lifecycle).Select(p => p.ToString()).ToList() });
        }

        http.Response.Headers.ETag = SystemRows.ETag(result.Version);
        return TypedResults.Ok(result.Record!);
    }

    private static ProblemHttpResult Refused(RegisterPerson person, SystemRecord system) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "You may not make this change.",
            detail: RegisterPermissions.CanEdit(person, system)
                ? "Only a register administrator changes ownerAccounts."
                : $"'{person.Actor}' may not change system '{system.Id}': a register administrator changes every system, a system owner only the systems whose ownerAccounts name them.");

    /// <summary>
    /// The version the caller says it has seen: a strong ETag such as <c>"17"</c>, or <c>*</c>
    /// for whatever is stored now. Null when If-Match is missing, unreadable or the system is unknown.
    /// </summary>
    private static async Task<long?> ExpectedVersionAsync(string id, string? ifMatch, SystemStore store, CancellationToken ct)
    {
        var value = ifMatch?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value == "*")
        {
            return await store.FindAsync(id, ct) is var (_, version) ? version : null;
        }

        return value.Length > 2 && value[0] == '"' && value[^1] == '"' && long.TryParse(value[1..^1], out var parsed)
            ? parsed
            : -1; // A weak or foreign ETag never matches.
    }

    private static async Task<ProblemHttpResult> MissingOrUnknown(string id, string? ifMatch, SystemStore store, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is null)
        {
            return NotFound(id);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status428PreconditionRequired,
            title: "If-Match is required.",
            detail: $"Read the system with GET /api/systems/{id} and send its ETag in If-Match, so that you do not overwrite someone else's change.");
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such system.", detail: $"The register has no system '{id}'.");

    private static ProblemHttpResult PreconditionFailed(string id, long current) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: "The system was changed by someone else.",
            detail: $"Your If-Match does not match the stored version of '{id}' (now {SystemRows.ETag(current)}). Read it again, reapply your change and retry.");

    private static ProblemHttpResult Conflict(WriteResult result) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The register already has this.",
            detail: result.Message,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [result.Field!] = [result.Message!] } });
}
