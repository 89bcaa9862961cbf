using Federation.Core.Access;
using Federation.Core.Navigation;
using Federation.Idp.Clients;
using Federation.Idp.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Federation.Idp.Pages;

/// <summary>
/// Tells a signed-in person why the register does not let them into a system, before the
/// authorize endpoint answers the service with <c>access_denied</c>. The decision is made again
/// here from the session (nothing in the URL is trusted), by the same core rule.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class DeniedModel(RegisteredClients clients) : PageModel
{
    public string SystemName { get; private set; } = "";

    public string? Reason { get; private set; }

    /// <summary>The authorize request again, marked as seen: it answers the service with access_denied.</summary>
    public string BackUrl { get; private set; } = ReturnUrl.Home;

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "ReturnUrl")] string? returnUrl)
    {
        var local = ReturnUrl.OrHome(returnUrl);
        var system = clients.Find(LoginModel.ClientIdOf(local));
        var session = await FederationSession.GetAsync(HttpContext);
        if (system is null || session is null)
        {
            return LocalRedirect(local);
        }
        var decision = AccessPolicy.Evaluate(system, PersonFacts.From(session.Subject, session.AssuranceLevel, session.ValuesOf));
        if (decision.Outcome != AccessOutcome.Denied)
        {
            return LocalRedirect(local);
        }
        Response.StatusCode = StatusCodes.Status403Forbidden;
        SystemName = system.Name;
        Reason = decision.Reason?.Current;
        BackUrl = QueryHelpers.AddQueryString(local, Acknowledged, "1");
        return Page();
    }

    /// <summary>The authorize parameter that says the person has seen this page.</summary>
    public const string Acknowledged = "fed_denied_seen";

    public const string Path = "/denied";
}
