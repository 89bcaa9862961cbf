using Federation.Core.Feed;
using Federation.Core.Text;
using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Register.Systems;

/// <summary>
/// <c>/register/systems/{id}/lifecycle?to=…</c>: the confirmation of a lifecycle step, saying what
/// the new phase means for the federation; the step itself is a POST (antiforgery), checked by
/// <see cref="LifecycleSteps"/> under the register's lock and audited.
/// </summary>
public sealed class LifecycleModel(SystemStore store) : PageModel
{
    public SystemRecord Current { get; private set; } = null!;

    public long Version { get; private set; }

    public LifecyclePhase To { get; private set; }

    /// <summary>Why the step cannot be taken; null when it can.</summary>
    public PersonText? Refusal { get; private set; }

    /// <summary>Set when the system changed between this page and the confirmation.</summary>
    public bool Changed { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, string? to, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is not var (record, version))
        {
            return NotFound();
        }

        if (!RegisterPermissions.CanEdit(RegisterPerson.From(User), record))
        {
            return LocalRedirect(RegisterSignIn.RefusedPath);
        }

        return Show(record, version, to);
    }

    public async Task<IActionResult> OnPostAsync(string id, string? to, long version, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is not var (record, storedVersion))
        {
            return NotFound();
        }

        var person = RegisterPerson.From(User);
        if (!RegisterPermissions.CanEdit(person, record))
        {
            return LocalRedirect(RegisterSignIn.RefusedPath);
        }

        // The permission was decided on this version only; the step replaces exactly it or nothing.
        if (storedVersion != version)
        {
            Changed = true;
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Show(record, storedVersion, to);
        }

        if (!Enum.TryParse<LifecyclePhase>(to, out var phase) || !Enum.IsDefined(phase))
        {
            return Show(record, version, to);
        }

        var result = await store.StepLifecycleAsync(id, phase, version, person.Actor, ct);
        switch (result.Status)
        {
            case WriteStatus.Updated:
                return LocalRedirect($"/register/systems/{Uri.EscapeDataString(id)}");
            case WriteStatus.NotFound:
                return NotFound();
            case WriteStatus.PreconditionFailed:
                Changed = true;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Show(result.Record!, result.Version, to);
            default:
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Show(result.Record!, result.Version, to);
        }
    }

    private PageResult Show(SystemRecord record, long version, string? to)
    {
        Current = record;
        Version = version;
        if (Enum.TryParse<LifecyclePhase>(to, out var phase) && Enum.IsDefined(phase))
        {
            To = phase;
            Refusal = LifecycleSteps.Problem(record.Lifecycle, phase, RegisterText.Lifecycle);
        }
        else
        {
            To = record.Lifecycle;
            Refusal = new PersonText("Välj en livscykelfas att föra systemet till.", "Choose a lifecycle phase to move the system to.");
        }

        return Page();
    }
}
