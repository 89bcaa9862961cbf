using Federation.Inventory.Register;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Register.Compliance;

/// <summary><c>/register/compliance</c>: the register's findings and phases, as charts and tables.</summary>
public sealed class IndexModel(SystemStore store) : PageModel
{
    public ComplianceOverview Overview { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) =>
        Overview = ComplianceOverview.Of(await store.AllAsync(includeRetired: true, ct), store.Today());
}
