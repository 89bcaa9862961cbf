using Federation.Inventory.Domain;
using Federation.Inventory.Register;
using Federation.Inventory.Reports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Register.Article30;

/// <summary>
/// <c>/register/article30</c>: the Art. 30 register as a printable page, and <c>/register/article30/csv</c>
/// as a download with the signed-in session (the API's export needs no cookie but may need a token).
/// </summary>
public sealed class IndexModel(SystemStore store, TimeProvider time) : PageModel
{
    /// <summary>The live systems (retired ones have no processing left), by name.</summary>
    public IReadOnlyList<SystemRecord> Systems { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = time.GetUtcNow();
        Systems = [.. (await store.AllAsync(includeRetired: false, ct)).OrderBy(s => s.Name, StringComparer.CurrentCultureIgnoreCase)];
    }

    /// <param name="delimiter"><c>semicolon</c> for Excel with a Swedish list separator; a comma otherwise (RFC 4180).</param>
    public async Task<FileContentResult> OnGetCsvAsync(string? delimiter, CancellationToken ct) =>
        File(Article30Report.ToCsv(Article30Report.Entries(await store.AllAsync(includeRetired: false, ct)), delimiter == "semicolon" ? ';' : ','),
            "text/csv; charset=utf-8", "registerforteckning-art30.csv");
}
