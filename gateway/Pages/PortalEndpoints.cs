using System.Text;
using Federation.Core.Access;
using Federation.Core.Navigation;
using Federation.Core.Text;
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

    // System names are Swedish whatever the page's language: å, ä, ö sort last.
    private static readonly StringComparer SwedishOrder = StringComparer.Create(PersonLanguage.Swedish, ignoreCase: false);

    private static readonly PersonText Title = new("Skolans system", "The school's systems");
    private static readonly PersonText SignedInAs = new("Inloggad som <strong>{0}</strong> (tillitsnivå {1}).", "Signed in as <strong>{0}</strong> (assurance level {1}).");
    private static readonly PersonText UnknownLevel = new("okänd", "unknown");
    private static readonly PersonText SignOutButton = new("Logga ut", "Sign out");
    private static readonly PersonText NoAccess = new("ingen behörighet", "no access");
    private static readonly PersonText SignInToSee = new("Logga in för att se skolans system.", "Sign in to see the school's systems.");
    private static readonly PersonText SignInLink = new("Logga in", "Sign in");

    private static async Task StartPage(HttpContext context, SystemDirectory directory)
    {
        var user = context.User;
        var html = new StringBuilder();
        if (user.Identity?.IsAuthenticated == true)
        {
            var attributes = PersonFacts.From(user);
            html.Append("<p>")
                .Append(SignedInAs.Format(GatewayResponses.Encode(user.Identity.Name ?? attributes.Subject ?? "?"),
                    GatewayResponses.Encode(attributes.Acr ?? UnknownLevel.Current)).Current)
                .Append("</p>")
                .Append($"""<form method="post" action="/account/signout"><button>{GatewayResponses.Encode(SignOutButton.Current)}</button></form><ul>""");
            foreach (var system in directory.Current.Routed.Values.OrderBy(s => s.Name, SwedishOrder))
            {
                var decision = AccessPolicy.Evaluate(system, attributes);
                var path = GatewayResponses.Encode(system.Backend!.PublicPath.TrimEnd('/') + "/");
                html.Append(decision.Outcome == AccessOutcome.Denied
                    ? $"<li>{GatewayResponses.Encode(system.Name)} <small>({GatewayResponses.Encode(NoAccess.Current)})</small></li>"
                    : $"<li><a href=\"{path}\">{GatewayResponses.Encode(system.Name)}</a></li>");
            }
            html.Append("</ul>");
        }
        else
        {
            html.Append($"""<p>{GatewayResponses.Encode(SignInToSee.Current)}</p><p><a href="/account/signin">{GatewayResponses.Encode(SignInLink.Current)}</a></p>""");
        }
        await GatewayResponses.WritePageAsync(context, Title, html.ToString());
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ChallengeHttpResult SignIn(string? returnUrl) =>
        TypedResults.Challenge(
            new AuthenticationProperties { RedirectUri = ReturnUrl.OrHome(returnUrl) },
            [OpenIdConnectDefaults.AuthenticationScheme]);

    private static Microsoft.AspNetCore.Http.HttpResults.SignOutHttpResult SignOut() =>
        TypedResults.SignOut(new AuthenticationProperties { RedirectUri = ReturnUrl.Home },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
}
