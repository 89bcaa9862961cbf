using Federation.Idp.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Idp.Pages;

/// <summary>
/// Asks before ending the session; the form posts back to the end-session endpoint with the RP's
/// parameters. The shared layout's sign-out button posts here (antiforgery-checked, as every page
/// post): the session ends and the person sees that they are signed out.
/// </summary>
public sealed class SignoutModel : PageModel
{
    public const string Path = "/signout";

    public async Task<IActionResult> OnPostAsync()
    {
        await FederationSession.SignOutAsync(HttpContext);
        return LocalRedirect(SignedOutPath);
    }

    public const string SignedOutPath = "/signed-out";

    private static readonly HashSet<string> Carried = new(StringComparer.Ordinal)
    {
        "id_token_hint", "post_logout_redirect_uri", "state", "client_id", "ui_locales", "logout_hint",
    };

    public IReadOnlyList<(string Name, string Value)> Parameters { get; private set; } = [];

    public void OnGet() =>
        Parameters = Request.Query.Where(q => Carried.Contains(q.Key)).Select(q => (q.Key, q.Value.ToString())).ToList();
}
