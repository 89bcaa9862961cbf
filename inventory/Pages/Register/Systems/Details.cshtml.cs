using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Register.Systems;

/// <summary><c>/register/systems/{id}</c>: everything the register knows about one system, and (for those who may) its history.</summary>
public sealed class DetailsModel(SystemStore store, InventoryDbContext db) : PageModel
{
    public string Id { get; private set; } = "";

    /// <summary>The system as callers see it: a client secret is the mask at most, never the secret or its hash.</summary>
    public SystemRecord? System { get; private set; }

    public IReadOnlyList<Finding> Findings { get; private set; } = [];

    /// <summary>Whether the edit link is shown (<see cref="RegisterPermissions.CanEdit"/>).</summary>
    public bool MayEdit { get; private set; }

    /// <summary>Whether the audit history is shown (<see cref="RegisterPermissions.CanReadAudit"/>).</summary>
    public bool MayReadHistory { get; private set; }

    public IReadOnlyList<HistoryEntry> History { get; private set; } = [];

    public async Task OnGetAsync(string id, CancellationToken ct)
    {
        Id = id;
        if (await store.FindAsync(id, ct) is not var (record, _))
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        System = record.Masked();
        var person = RegisterPerson.From(User);
        MayEdit = RegisterPermissions.CanEdit(person, record);
        MayReadHistory = RegisterPermissions.CanReadAudit(person, record);
        Findings = ComplianceFindings.For(record, store.Today()).ToList();
        if (MayReadHistory)
        {
            History = await SystemHistory.ReadAsync(db, id, ct);
        }
    }
}
