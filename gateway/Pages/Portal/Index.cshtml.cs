using System.Globalization;
using Federation.Core.Access;
using Federation.Core.Text;
using Federation.Gateway.Identity;
using Federation.Gateway.Routing;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Gateway.Pages.Portal;

/// <summary>The start page: after sign-in, a tile for each system the person may reach.</summary>
public sealed class IndexModel(SystemDirectory directory, UserFactsCache userFacts) : PageModel
{
    public bool SignedIn { get; private set; }

    public string Level { get; private set; } = "";

    public IReadOnlyList<PortalTile> Tiles { get; private set; } = [];

    public void OnGet()
    {
        // The page differs per person: no shared cache may keep it.
        Response.Headers.CacheControl = "no-store";
        if (User.Identity?.IsAuthenticated != true)
        {
            return;
        }
        // The same facts the gateway's gate decides on (Proxy/SystemGateMiddleware.cs).
        PersonFacts person = userFacts.For(User).Attributes;
        SignedIn = true;
        // The level's number, as the sign-in pages name it ("tillitsnivå 2"), not its code.
        Level = AssuranceLevel.Parse(person.Acr)?.Rank.ToString(CultureInfo.InvariantCulture)
            ?? PortalText.UnknownLevel.Current;
        Tiles = PortalTiles.For(directory.Current, person, Request.Scheme);
    }
}

/// <summary>The portal's words, Swedish first.</summary>
public static class PortalText
{
    public static readonly PersonText ServiceName = new("Skolans portal", "The school portal");
    public static readonly PersonText Title = new("Skolans system", "The school's systems");
    // The gateway is released no names (data minimisation), and its subject is an opaque id no
    // person should read: the portal says how, not as whom, the person signed in.
    public static readonly PersonText SignedInAt = new("Du är inloggad med tillitsnivå {0}.", "You are signed in at assurance level {0}.");
    public static readonly PersonText UnknownLevel = new("okänd", "unknown");
    public static readonly PersonText SignInToSee = new("Logga in för att se de system du kan använda.", "Sign in to see the systems you can use.");
    public static readonly PersonText SignIn = new("Logga in", "Sign in");
    public static readonly PersonText NoSystems = new("Det finns inga system för dig just nu.", "There are no systems for you at the moment.");
    public static readonly PersonText Retiring = new("Avvecklas", "Being retired");
    public static readonly PersonText StepUp = new("Kräver starkare inloggning", "Needs a stronger sign-in");
    public static readonly PersonText StepUpHint = new("Du får logga in med en andra faktor när du öppnar systemet.", "You will be asked for a second factor when you open it.");
}
