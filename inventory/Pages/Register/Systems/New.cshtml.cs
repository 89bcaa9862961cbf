using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Register.Systems;

/// <summary><c>/register/systems/new</c>: a register administrator registers a system.</summary>
public sealed class NewModel(SystemStore store) : PageModel
{
    public SystemFormView View { get; private set; } = null!;

    public IActionResult OnGet()
    {
        if (!RegisterPermissions.CanCreate(RegisterPerson.From(User)))
        {
            return LocalRedirect(RegisterSignIn.RefusedPath);
        }

        View = new SystemFormView(SystemForm.Empty(), [], isNew: true, canChangeOwners: true);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var person = RegisterPerson.From(User);
        if (!RegisterPermissions.CanCreate(person))
        {
            return LocalRedirect(RegisterSignIn.RefusedPath);
        }

        var form = SystemForm.FromPost(Request.Form);
        var (posted, unreadable) = form.ToRecord();
        var record = SystemValidator.Normalize(posted);
        List<FieldProblem> problems = [.. unreadable, .. SystemValidator.Check(record)];
        if (problems.Count == 0)
        {
            var result = await store.CreateAsync(record, person.Actor, ct);
            if (result.Status == WriteStatus.Created)
            {
                return LocalRedirect($"/register/systems/{Uri.EscapeDataString(record.Id)}");
            }

            problems.Add(new FieldProblem(result.Field ?? "", result.Text ?? new(result.Message ?? "", result.Message ?? "")));
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        View = new SystemFormView(form, problems, isNew: true, canChangeOwners: true);
        return Page();
    }
}
