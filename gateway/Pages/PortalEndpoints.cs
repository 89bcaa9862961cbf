using Federation.Core.Navigation;
using Federation.Gateway.Identity;
using Federation.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Federation.Gateway.Pages;

/// <summary>The gateway's own pages: the portal (Razor Pages under <c>Pages/Portal</c>), sign-in and sign-out.</summary>
public static class PortalEndpoints
{
    public const string SignOutPath = "/account/signout";

    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, GatewayAudienceRefusal>();
        builder.Services.AddRazorPages();
        builder.Services.AddFederationUi(ui =>
        {
            ui.ServiceName = Portal.PortalText.ServiceName;
            ui.HomePath = "/";
            ui.SignOutPath = SignOutPath;
        });
        return builder;
    }

    /// <summary>
    /// Everything the gateway serves itself is under the gateway-audience policy, so a bearer token
    /// for a backend never counts here (an endpoint added outside it would).
    /// </summary>
    public static WebApplication MapPortal(this WebApplication app)
    {
        // The stylesheet and the language switch, under reserved paths (IntegrationRules.GatewayReservedPaths).
        app.MapFederationUi();
        app.MapRazorPages().RequireAuthorization(GatewayAuthentication.GatewayAudiencePolicy);
        var account = app.MapGroup("/account")
            .RequireAuthorization(GatewayAuthentication.GatewayAudiencePolicy)
            .ExcludeFromDescription();
        account.MapGet("/signin", SignIn);
        // No antiforgery check: the session cookie is SameSite=Lax, so another site's form arrives without it and ends nothing.
        account.MapPost("/signout", SignOutAsync).DisableAntiforgery();
        return app;
    }

    private static ChallengeHttpResult SignIn(string? returnUrl) =>
        TypedResults.Challenge(
            new AuthenticationProperties { RedirectUri = ReturnUrl.OrHome(returnUrl) },
            [OpenIdConnectDefaults.AuthenticationScheme]);

    /// <summary>
    /// Ends the session everywhere: this cookie for good (a copy of it is refused from now on), and
    /// the person's session at the idp (RP-initiated logout, which comes back to the start page).
    /// </summary>
    private static async Task<SignOutHttpResult> SignOutAsync(HttpContext context, SessionRenewal sessions)
    {
        var session = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (session.Properties is { } properties)
        {
            sessions.End(properties);
        }
        return TypedResults.SignOut(new AuthenticationProperties { RedirectUri = ReturnUrl.Home },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
    }
}
