using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Idp.Pages;

/// <summary>
/// Says what went wrong when the idp cannot send the error back to the service (unknown client,
/// wrong redirect URI, …): OpenIddict's error for protocol requests, or the reason given.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Message { get; private set; } = "";

    public string? Description { get; private set; }

    public string? Code { get; private set; }

    public void OnGet(string? reason) => Describe(reason);

    public void OnPost(string? reason) => Describe(reason);

    private void Describe(string? reason)
    {
        var response = HttpContext.GetOpenIddictServerResponse();
        Code = response?.Error ?? reason;
        Description = response?.ErrorDescription;
        Message = Code is not null && UiText.Has("error." + Code) ? UiText.T("error." + Code) : UiText.T("error.generic");
        if (response is not null || reason is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
