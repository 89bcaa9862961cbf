using System.Text;
using Federation.Inventory.Import;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Register.Systems;

/// <summary><c>/register/export.csv</c>: the whole register in the columns the import reads, so export → import changes nothing.</summary>
public sealed class ExportModel(SystemStore store) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var csv = RegisterCsv.Write(await store.AllAsync(includeRetired: true, ct));
        // With a BOM, so a spreadsheet program reads å, ä and ö as UTF-8.
        return File([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)], "text/csv; charset=utf-8", "systemregister.csv");
    }
}
