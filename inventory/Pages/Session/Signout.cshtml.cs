using Federation.Inventory.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Session;

/// <summary>
/// Ends the register's session and the idp's (end_session with the id token as hint). Open to a
/// refused person too, and checked against cross-site requests like every page's POST.
/// </summary>
public sealed class SignoutModel : PageModel
{
    public void OnGet()
    {
    }

    public IActionResult OnPost() =>
        User.Identity?.IsAuthenticated == true
            ? SignOut(new AuthenticationProperties { RedirectUri = RegisterSignIn.SignedOutPath }, RegisterSignIn.CookieScheme, RegisterSignIn.OidcScheme)
            : LocalRedirect(RegisterSignIn.SignedOutPath);
}
