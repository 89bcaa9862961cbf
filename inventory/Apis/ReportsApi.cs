using System.ComponentModel;
using System.Text;
using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Register;
using Federation.Inventory.Reports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Federation.Inventory.Apis;

/// <summary>The findings report: every compliance finding of the register on a day.</summary>
public sealed record FindingsReport(DateOnly Date, int Count, IReadOnlyList<Finding> Findings);

/// <summary><c>/api/reports</c>: the Art. 30 register and the compliance findings.</summary>
public static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(InventoryAuth.RegisterReader);
        group.MapGet("/article30", Article30)
            .WithName("Article30Report")
            .WithSummary("The Art. 30 register: JSON, CSV (Accept: text/csv) or a printable page (Accept: text/html).")
            .Produces<List<Article30Entry>>(contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
        group.MapGet("/article30.csv", Article30Csv).WithName("Article30ReportCsv").WithSummary("The Art. 30 register as CSV (RFC 4180, UTF-8 with BOM).");
        group.MapGet("/article30.html", Article30Html).WithName("Article30ReportHtml").WithSummary("The Art. 30 register as a printable page.");
        group.MapGet("/findings", Findings).WithName("FindingsReport").WithSummary("Compliance findings: system, rule code and what to do.");
        return app;
    }

    public static async Task<IResult> Article30(
        [Description("CSV only: 'comma' (RFC 4180, default) or 'semicolon' (Excel with Swedish list separator).")] string? delimiter,
        HttpRequest request, SystemStore store, TimeProvider time, CancellationToken ct)
    {
        var accept = request.GetTypedHeaders().Accept;
        var entries = Article30Report.Entries(await store.AllAsync(includeRetired: false, ct));
        if (Wants(accept, "text/csv"))
        {
            return Csv(entries, delimiter);
        }

        if (Wants(accept, "text/html"))
        {
            return TypedResults.Content(Article30Report.ToHtml(entries, time.GetUtcNow()), "text/html; charset=utf-8", Encoding.UTF8);
        }

        return TypedResults.Ok(entries);
    }

    public static async Task<FileContentHttpResult> Article30Csv(string? delimiter, SystemStore store, CancellationToken ct) =>
        Csv(Article30Report.Entries(await store.AllAsync(includeRetired: false, ct)), delimiter);

    public static async Task<ContentHttpResult> Article30Html(SystemStore store, TimeProvider time, CancellationToken ct) =>
        TypedResults.Content(Article30Report.ToHtml(Article30Report.Entries(await store.AllAsync(includeRetired: false, ct)), time.GetUtcNow()),
            "text/html; charset=utf-8", Encoding.UTF8);

    public static async Task<Ok<FindingsReport>> Findings(string? system, SystemStore store, CancellationToken ct)
    {
        var today = store.Today();
        var findings = ComplianceFindings.For(await store.AllAsync(includeRetired: false, ct), today)
            .Where(f => system is null || f.SystemId == system)
            .ToList();
        return TypedResults.Ok(new FindingsReport(today, findings.Count, findings));
    }

    private static FileContentHttpResult Csv(IReadOnlyList<Article30Entry> entries, string? delimiter) =>
        TypedResults.File(
            Article30Report.ToCsv(entries, delimiter == "semicolon" ? ';' : ','),
            "text/csv; charset=utf-8",
            "registerforteckning-art30.csv");

    private static bool Wants(IList<MediaTypeHeaderValue> accept, string mediaType) =>
        accept.Any(a => a.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);
}
