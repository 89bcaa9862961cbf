using System.Globalization;
using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Register.Systems;

/// <summary><c>/register</c>, <c>/register/systems</c>: every system, searched, filtered and sorted by GET parameters.</summary>
public sealed class IndexModel(SystemStore store) : PageModel
{
    private static readonly StringComparer SwedishOrder = StringComparer.Create(CultureInfo.GetCultureInfo("sv-SE"), ignoreCase: true);

    [BindProperty(SupportsGet = true, Name = "q")] public string? Q { get; set; }
    [BindProperty(SupportsGet = true, Name = "phase")] public string? Phase { get; set; }
    [BindProperty(SupportsGet = true, Name = "category")] public string? Category { get; set; }
    [BindProperty(SupportsGet = true, Name = "subject")] public string? Subject { get; set; }
    [BindProperty(SupportsGet = true, Name = "transfer")] public string? Transfer { get; set; }
    [BindProperty(SupportsGet = true, Name = "findings")] public string? Findings { get; set; }
    [BindProperty(SupportsGet = true, Name = "sort")] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true, Name = "dir")] public string? Dir { get; set; }

    public SystemListQuery Query { get; private set; } = new();

    public IReadOnlyList<SystemListRow> Rows { get; private set; } = [];

    /// <summary>The categories and data subject categories the register uses, for the filters' choices.</summary>
    public IReadOnlyList<string> Categories { get; private set; } = [];

    public IReadOnlyList<string> DataSubjects { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var all = await store.AllAsync(includeRetired: true, ct);
        Query = SystemListQuery.Parse(Q, Phase, Category, Subject, Transfer, Findings, Sort, Dir);
        Rows = Query.Apply(all, store.Today());
        Categories = [.. all.Select(s => s.Category).Distinct(StringComparer.OrdinalIgnoreCase).Order(SwedishOrder)];
        DataSubjects = [.. all.SelectMany(s => s.Processing.DataSubjectCategories).Distinct(StringComparer.OrdinalIgnoreCase).Order(SwedishOrder)];
    }

    /// <summary>The link a column header sorts by: ascending first, then the other way when it is the current sort.</summary>
    public string SortLink(SystemSort column) =>
        RegisterSignIn.PagesRoot + Query.ToQueryString(sort: column.ToString(), descending: Query.Sort == column && !Query.Descending);

    /// <summary>aria-sort of a column header.</summary>
    public string AriaSort(SystemSort column) =>
        Query.Sort != column ? "none" : Query.Descending ? "descending" : "ascending";

    public static IReadOnlyList<string> RuleCodes => ComplianceFindings.RuleCodes;
}
