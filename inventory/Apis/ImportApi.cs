using System.Text;
using System.Text.Json;
using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Import;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Federation.Inventory.Apis;

/// <summary><c>POST /api/systems/import</c>: bulk upsert from the municipality's spreadsheet (CSV) or JSON.</summary>
public static class ImportApi
{
    public const long MaxBodyBytes = 10 * 1024 * 1024;

    public static IEndpointRouteBuilder MapImportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/systems/import", Import)
            .RequireAuthorization(InventoryAuth.RegisterAdmin)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithTags("Systems")
            .WithName("ImportSystems")
            .WithSummary("Upsert many systems from CSV (text/csv, columns in inventory/README.md) or JSON (an array of systems). All rows or none.")
            .Accepts<List<SystemRecord>>("application/json", "text/csv");
        return app;
    }

    public static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> Import(HttpRequest request, SystemStore store, CancellationToken ct)
    {
        var mediaType = request.GetTypedHeaders().ContentType?.MediaType.Value?.ToLowerInvariant();
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ct);

        List<ImportRow> rows;
        List<RowError> errors;
        switch (mediaType)
        {
            case "text/csv":
                (rows, errors) = RegisterCsv.Parse(text);
                break;
            case "application/json":
                (rows, errors) = ParseJson(text);
                break;
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "Send text/csv or application/json.",
                    detail: "The import takes the register spreadsheet as CSV (text/csv) or an array of systems as JSON (application/json).");
        }

        if (errors.Count == 0)
        {
            var result = await store.ImportAsync(rows, InventoryAuth.ActorOf(request.HttpContext.User), ct);
            if (result.Applied)
            {
                return TypedResults.Ok(result);
            }

            errors = [.. result.Errors];
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The import was not applied.",
            detail: $"{errors.Count} error(s) in {errors.Select(e => e.Row).Distinct().Count()} row(s); nothing was changed. Fix the rows and import the whole file again.",
            extensions: new Dictionary<string, object?> { ["rows"] = errors });
    }

    private static (List<ImportRow>, List<RowError>) ParseJson(string text)
    {
        List<SystemRecord?>? systems;
        try
        {
            systems = JsonSerializer.Deserialize<List<SystemRecord?>>(text, SystemRows.Json);
        }
        catch (JsonException e)
        {
            return ([], [new RowError(0, null, e.Path ?? "$", "The body is not a JSON array of systems: " + e.Message)]);
        }

        List<ImportRow> rows = [];
        List<RowError> errors = [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (systems?.Count ?? 0); i++)
        {
            var system = systems![i];
            var row = i + 1;
            if (system is null || string.IsNullOrEmpty(system.Id))
            {
                errors.Add(new RowError(row, null, "id", "Each element must be a system with an id."));
                continue;
            }

            if (!seen.Add(system.Id))
            {
                errors.Add(new RowError(row, system.Id, "id", $"System '{system.Id}' appears more than once."));
                continue;
            }

            rows.Add(new ImportRow(row, system.Id, _ => system));
        }

        return (rows, errors);
    }
}
