using Federation.Inventory.Domain;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Register;

public sealed class IndexModel(SystemStore store) : PageModel
{
    public IReadOnlyList<SystemRecord> Systems { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Systems = await store.AllAsync(includeRetired: true, ct);
}
