using System.Text;
using Federation.Core.Access;
using Federation.Core.Navigation;
using Federation.Gateway.Identity;
using Federation.Gateway.Routing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;

namespace Federation.Gateway.Pages;

/// <summary>The gateway's own pages: a start page listing the systems, sign-in and sign-out.</summary>
public static class PortalEndpoints
{
    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, GatewayAudienceRefusal>();
        return builder;
    }

    /// <summary>
    /// Everything the gateway serves itself hangs off one group under the gateway-audience policy,
    /// so a bearer token for a backend never counts here (an endpoint added outside it would).
    /// </summary>
    public static WebApplication MapPortal(this WebApplication app)
    {
        var own = app.MapGroup(string.Empty)
            .RequireAuthorization(GatewayAuthentication.GatewayAudiencePolicy)
            .ExcludeFromDescription();
        own.MapGet("/", StartPage);
        var account = own.MapGroup("/account");
        account.MapGet("/signin", SignIn);
        account.MapPost("/signout", SignOut).DisableAntiforgery();
        return app;
    }

    private static async Task StartPage(HttpContext context, SystemDirectory directory)
    {
        var user = context.User;
        var html = new StringBuilder();
        if (user.Identity?.IsAuthenticated == true)
        {
            var attributes = PersonFacts.From(user);
            html.Append($"<p>Inloggad som <strong>{GatewayResponses.Encode(user.Identity.Name ?? attributes.Subject ?? "?")}</strong> ")
                .Append($"(tillitsnivå {GatewayResponses.Encode(attributes.Acr ?? "okänd")}).</p>")
                .Append("""<form method="post" action="/account/signout"><button>Logga ut</button></form><ul>""");
            foreach (var system in directory.Current.Routed.Values.OrderBy(s => s.Name, StringComparer.CurrentCulture))
            {
                var decision = AccessPolicy.Evaluate(system, attributes);
                var path = GatewayResponses.Encode(system.Backend!.PublicPath.TrimEnd('/') + "/");
                html.Append(decision.Outcome == AccessOutcome.Denied
                    ? $"<li>{GatewayResponses.Encode(system.Name)} <small>(ingen behörighet)</small></li>"
                    : $"<li><a href=\"{path}\">{GatewayResponses.Encode(system.Name)}</a></li>");
            }
            html.Append("</ul>");
        }
        else
        {
            html.Append("""<p>Logga in för att se skolans system.</p><p><a href="/account/signin">Logga in</a></p>""");
        }
        await GatewayResponses.WritePageAsync(context, "Skolans system", html.ToString());
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ChallengeHttpResult SignIn(string? returnUrl) =>
        TypedResults.Challenge(
            new AuthenticationProperties { RedirectUri = ReturnUrl.OrHome(returnUrl) },
            [OpenIdConnectDefaults.AuthenticationScheme]);

    private static Microsoft.AspNetCore.Http.HttpResults.SignOutHttpResult SignOut() =>
        TypedResults.SignOut(new AuthenticationProperties { RedirectUri = ReturnUrl.Home },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
}
