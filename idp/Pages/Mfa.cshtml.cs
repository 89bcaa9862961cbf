using Federation.Core.Access;
using Federation.Idp.Audit;
using Federation.Idp.Identity;
using Federation.Idp.Telemetry;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Idp.Pages;

/// <summary>Step-up to loa3 with the account's TOTP authenticator (Identity's own provider).</summary>
public sealed class MfaModel(UserManager<IdpUser> users, LocalAccounts accounts, AuthenticatorCodes codes, SignInAudit audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public string? Error { get; private set; }

    public bool CanUseMfa { get; private set; } = true;

    public async Task<IActionResult> OnGetAsync()
    {
        var (session, user) = await CurrentAsync();
        if (session is null)
        {
            return RedirectToPage("/Login", new { ReturnUrl });
        }
        CanUseMfa = user is { TwoFactorEnabled: true };
        if (!CanUseMfa)
        {
            audit.Record("oidc", session.Upstream, LoginModel.ClientIdOf(ReturnUrl), session.Subject, session.UserName, "mfa_not_enrolled", session.AssuranceLevel);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        using var activity = IdpTelemetry.Source.StartActivity("login.mfa");
        var client = LoginModel.ClientIdOf(ReturnUrl);
        var (session, user) = await CurrentAsync();
        if (session is null)
        {
            return RedirectToPage("/Login", new { ReturnUrl });
        }
        if (user is not { TwoFactorEnabled: true })
        {
            CanUseMfa = false;
            return Page();
        }
        if (await users.IsLockedOutAsync(user))
        {
            audit.Record("oidc", session.Upstream, client, user.Id, user.UserName, "locked_out", session.AssuranceLevel);
            Error = UiText.T("login.locked");
            return Page();
        }

        // A code is good once (a replayed or older one is refused like a wrong one).
        if (!await codes.AcceptAsync(user, Code))
        {
            await users.AccessFailedAsync(user); // counts towards lockout like a wrong password
            audit.Record("oidc", session.Upstream, client, user.Id, user.UserName, "bad_mfa_code", session.AssuranceLevel);
            Error = UiText.T("mfa.failed");
            return Page();
        }

        await users.ResetAccessFailedCountAsync(user);
        var identity = await accounts.SignedInAsync(user, AssuranceLevel.Loa3.Name, ["pwd", "otp", "mfa"]);
        await FederationSession.SignInAsync(HttpContext, identity);
        audit.Record("oidc", FederationIdentity.LocalUpstream, client, user.Id, user.UserName, "success", identity.AssuranceLevel);
        return LocalRedirect(Federation.Core.Navigation.ReturnUrl.OrHome(ReturnUrl));
    }

    private async Task<(FederationIdentity? Session, IdpUser? User)> CurrentAsync()
    {
        var session = await FederationSession.GetAsync(HttpContext);
        // MFA here is the local account's; an upstream session steps up at its upstream.
        var user = session is { Upstream: FederationIdentity.LocalUpstream } ? await users.FindByIdAsync(session.Subject) : null;
        return (session, user);
    }
}
