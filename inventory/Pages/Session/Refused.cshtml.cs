using Federation.Core.Text;
using Federation.Inventory.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Session;

/// <summary>Where a signed-in person without a role in the register lands: it says why, and whom to ask.</summary>
public sealed class RefusedModel : PageModel
{
    public string Title { get; private set; } = "";
    public string Why { get; private set; } = "";
    public string Roles { get; private set; } = "";
    public string Help { get; private set; } = "";
    public string Back { get; private set; } = "";

    public void OnGet()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var person = User.Identity?.IsAuthenticated == true ? RegisterPerson.From(User) : null;
        Title = new PersonText("Du har inte tillgång till den här sidan", "You do not have access to this page").Current;
        Why = person is null
            ? new PersonText("Du är inte inloggad i systemregistret.", "You are not signed in to the system register.").Current
            : new PersonText("Du är inloggad som {0}, men ditt konto har ingen roll i systemregistret för det du försökte göra.",
                "You are signed in as {0}, but your account has no role in the system register for what you tried to do.").Format(person.Actor).Current;
        Roles = new PersonText(
            "Utvecklingsavdelningens registeradministratörer ändrar allt, en systemägare ändrar sina egna system och dataskyddsombudet läser hela registret och dess revisionslogg.",
            "The development department's register administrators change everything, a system owner changes their own systems, and the data protection officer reads the whole register and its audit log.").Current;
        Help = new PersonText("Behöver du tillgång? Kontakta utvecklingsavdelningen.", "Do you need access? Contact the development department.").Current;
        Back = new PersonText("Till startsidan", "To the start page").Current;
    }
}
