using Federation.Core.Access;
using Federation.Idp.Audit;
using Federation.Idp.Identity;
using Federation.Idp.Telemetry;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Idp.Pages;

/// <summary>Password sign-in of a local account: assurance level loa2. Rate-limited per client address (<see cref="LoginThrottle"/>).</summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(LoginThrottle.Policy)]
public sealed class LoginModel(
    UserManager<IdpUser> users,
    SignInManager<IdpUser> signIn,
    LocalAccounts accounts,
    DecoyPassword decoy,
    LoginThrottle throttle,
    SignInAudit audit,
    IdpMetrics metrics,
    TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>When the form was shown (Unix ms), for the login duration metric only.</summary>
    [BindProperty]
    public long Started { get; set; }

    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }

    public void OnGet() => Started = time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<IActionResult> OnPostAsync()
    {
        using var activity = IdpTelemetry.Source.StartActivity("login.password");
        var client = ClientIdOf(ReturnUrl);
        activity?.SetTag("client_id", client);
        var userName = UserName?.Trim();
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(Password))
        {
            return Fail(T("login.missing"));
        }
        if (throttle.TryAcquire(userName) is { } wait)
        {
            audit.Record("oidc", FederationIdentity.LocalUpstream, client, null, userName, "throttled", null);
            await LoginThrottle.WriteTooManyAsync(HttpContext, wait, HttpContext.RequestAborted);
            return new EmptyResult();
        }

        // Every failure costs one password hash and says the same thing: neither the time nor the
        // message tells an unknown name from a wrong password, a locked or a disallowed account.
        var user = await users.FindByNameAsync(userName) ?? await users.FindByEmailAsync(userName);
        bool passwordOk;
        if (user?.PasswordHash is null)
        {
            decoy.Verify(Password);
            passwordOk = false;
        }
        else
        {
            passwordOk = await users.CheckPasswordAsync(user, Password);
        }

        var outcome = user switch
        {
            null => "unknown_user",
            _ when await users.IsLockedOutAsync(user) => "locked_out",
            _ when !passwordOk => "bad_credentials",
            _ when !await signIn.CanSignInAsync(user) => "not_allowed",
            _ => "success",
        };
        if (outcome == "bad_credentials")
        {
            await users.AccessFailedAsync(user!); // the fifth locks the account (Identity's lockout)
        }
        if (outcome != "success")
        {
            audit.Record("oidc", FederationIdentity.LocalUpstream, client, user?.Id, user?.UserName ?? userName, outcome, null);
            return Fail(T("login.failed"));
        }
        await users.ResetAccessFailedCountAsync(user!);

        var identity = await accounts.SignedInAsync(user!, AssuranceLevel.Loa2.Name, ["pwd"]);
        await FederationSession.SignInAsync(HttpContext, identity);
        audit.Record("oidc", FederationIdentity.LocalUpstream, client, user!.Id, user.UserName, "success", identity.AssuranceLevel);
        var seconds = (time.GetUtcNow().ToUnixTimeMilliseconds() - Started) / 1000.0;
        if (seconds is > 0 and < 3600)
        {
            metrics.RecordSignInDuration(seconds, "oidc", FederationIdentity.LocalUpstream, client);
        }
        return LocalRedirect(Federation.Core.Navigation.ReturnUrl.OrHome(ReturnUrl));
    }

    private PageResult Fail(string message)
    {
        Error = message;
        Password = null;
        return Page();
    }

    private static string T(string key) => UiText.T(key);


    /// <summary>The client of the authorize request being served, for audit and metrics.</summary>
    internal static string? ClientIdOf(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.IndexOf('?', StringComparison.Ordinal) is var q && q < 0)
        {
            return null;
        }
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(returnUrl[q..]);
        return query.TryGetValue("client_id", out var clientId) ? clientId.ToString() : null;
    }
}
