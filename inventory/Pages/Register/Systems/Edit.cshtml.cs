using System.Text;
using System.Text.Json;
using Federation.Core.Text;
using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Register.Systems;

/// <summary>
/// <c>/register/systems/{id}/edit</c>: an administrator or the system's owner changes its entry.
/// The form carries the version it was opened on and that version itself; a save against a newer
/// version shows what the other person changed and what this person changed, with a form that
/// holds this person's changes laid onto the newer version (<see cref="SystemForm.OntoNewer"/>).
/// </summary>
public sealed class EditModel(SystemStore store) : PageModel
{
    public SystemRecord Current { get; private set; } = null!;

    public SystemFormView View { get; private set; } = null!;

    /// <summary>The version the form is based on (after a conflict: the newer one).</summary>
    public long Version { get; private set; }

    /// <summary>The record the form is based on, as the form carries it back (base64 JSON, masked).</summary>
    public string Opened { get; private set; } = "";

    public IReadOnlyList<Finding> Findings { get; private set; } = [];

    /// <summary>Set when someone else saved meanwhile: their changes and this person's.</summary>
    public (IReadOnlyList<FieldChange> Theirs, IReadOnlyList<FieldChange> Yours, string? By)? Conflict { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is not var (record, version))
        {
            return NotFound();
        }

        var person = RegisterPerson.From(User);
        if (!RegisterPermissions.CanEdit(person, record))
        {
            return LocalRedirect(RegisterSignIn.RefusedPath);
        }

        Show(record, version, SystemForm.FromRecord(record.Masked()), [], person);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, long version, string? opened, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is not var (current, currentVersion))
        {
            return NotFound();
        }

        var person = RegisterPerson.From(User);
        if (!RegisterPermissions.CanEdit(person, current))
        {
            return LocalRedirect(RegisterSignIn.RefusedPath);
        }

        var form = SystemForm.FromPost(Request.Form);
        if (version != currentVersion)
        {
            return ShowConflict(current, currentVersion, form, ReadOpened(opened) ?? current, person);
        }

        // The phase changes only by a lifecycle step (its own action), never by this form.
        var (posted, unreadable) = form.ToRecord(id);
        var record = SystemValidator.Normalize(posted with { Lifecycle = current.Lifecycle });
        var problems = Problems(person, current, record, unreadable);
        if (problems.Count == 0)
        {
            var result = await store.UpdateAsync(id, record, version, person.Actor, ct);
            switch (result.Status)
            {
                case WriteStatus.Updated:
                    return LocalRedirect($"/register/systems/{Uri.EscapeDataString(id)}");
                case WriteStatus.PreconditionFailed when await store.FindAsync(id, ct) is var (newer, newerVersion):
                    return ShowConflict(newer, newerVersion, form, current, person);
                case WriteStatus.NotFound:
                    return NotFound();
            }

            problems.Add(new FieldProblem(result.Field ?? "", result.Text ?? new(result.Message ?? "", result.Message ?? "")));
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        Show(current, version, form, problems, person);
        return Page();
    }

    /// <summary>The register's one rule for the record, and the permission rule for who may make the change.</summary>
    public static List<FieldProblem> Problems(RegisterPerson person, SystemRecord current, SystemRecord record, IEnumerable<FieldProblem> unreadable)
    {
        List<FieldProblem> problems = [.. unreadable, .. SystemValidator.Check(record)];
        if (!RegisterPermissions.CanChange(person, current, record))
        {
            problems.Add(new FieldProblem("ownerAccounts", new(
                "Bara registeradministratörer kan ändra vilka som äger systemet; listan är återställd.",
                "Only register administrators can change who owns the system; the list was put back.")));
        }

        return problems;
    }

    private PageResult ShowConflict(SystemRecord current, long currentVersion, SystemForm mine, SystemRecord opened, RegisterPerson person)
    {
        var openedForm = SystemForm.FromRecord(opened.Masked());
        var (yours, _) = mine.ToRecord(current.Id);
        Conflict = (
            SystemChanges.Between(opened, current),
            SystemChanges.Between(opened, yours with { Lifecycle = opened.Lifecycle, OwnerAccounts = RegisterPermissions.CanChangeOwners(person) ? yours.OwnerAccounts : opened.OwnerAccounts }),
            null);
        var merged = mine.OntoNewer(openedForm, SystemForm.FromRecord(current.Masked()));
        Response.StatusCode = StatusCodes.Status409Conflict;
        Show(current, currentVersion, merged, [], person);
        return Page();
    }

    private void Show(SystemRecord current, long version, SystemForm form, IReadOnlyList<FieldProblem> problems, RegisterPerson person)
    {
        Current = current;
        Version = version;
        Opened = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(current.Masked(), SystemRows.Json)));
        Findings = ComplianceFindings.For(current, store.Today()).ToList();
        View = new SystemFormView(form, problems, isNew: false, canChangeOwners: RegisterPermissions.CanChangeOwners(person));
    }

    /// <summary>The version the person opened, as their form carried it; only used to tell changes apart, never stored.</summary>
    private static SystemRecord? ReadOpened(string? opened)
    {
        try
        {
            return opened is null ? null : JsonSerializer.Deserialize<SystemRecord>(Convert.FromBase64String(opened), SystemRows.Json) is { } r
                ? SystemValidator.Normalize(r)
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    public static PersonText Phase(Federation.Core.Feed.LifecyclePhase phase) => RegisterText.Lifecycle(phase);
}
