using System.Security.Claims;
using Federation.Core.Navigation;
using Federation.Idp.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Federation.Idp.Bridging;

/// <summary>
/// Upstream OpenID Providers through ASP.NET Core's OpenIdConnect handler: one scheme per upstream,
/// whose result lands in a short-lived external cookie; <c>/upstream/oidc/{name}/done</c> maps it to
/// the internal identity and writes the one sign-in session.
/// </summary>
public static class OidcUpstreams
{
    public const string ExternalScheme = "Federation.External";
    public const string LoginPath = "/upstream/oidc";

    public static string SchemeOf(string upstream) => "upstream-oidc-" + upstream;

    public static string CallbackPathOf(string upstream) => $"/signin-oidc/{upstream}";

    public static void AddOidcUpstreams(this AuthenticationBuilder authentication, IReadOnlyList<OidcUpstreamOptions> upstreams)
    {
        authentication.AddCookie(ExternalScheme, o =>
        {
            o.Cookie.Name = "federation.external";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });
        foreach (var upstream in upstreams)
        {
            authentication.AddOpenIdConnect(SchemeOf(upstream.Name), upstream.DisplayName ?? upstream.Name, o =>
            {
                o.SignInScheme = ExternalScheme;
                o.Authority = upstream.Issuer!.AbsoluteUri;
                o.RequireHttpsMetadata = upstream.Issuer.Scheme == Uri.UriSchemeHttps;
                o.ClientId = upstream.ClientId;
                o.ClientSecret = upstream.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                // Query keeps the callback a top-level GET, which Lax cookies survive (no form_post + SameSite=None).
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.CallbackPath = CallbackPathOf(upstream.Name);
                o.SaveTokens = false;
                o.MapInboundClaims = false; // keep the OP's claim names: the mapping speaks them
                o.GetClaimsFromUserInfoEndpoint = upstream.UseUserInfo;
                o.Scope.Clear();
                o.Scope.Add("openid");
                foreach (var scope in upstream.Scopes)
                {
                    o.Scope.Add(scope);
                }
                // The handler drops some claims by default (acr among them); the mapping may need any.
                foreach (var type in new[] { "acr", "amr", "auth_time" })
                {
                    o.ClaimActions.Remove(type);
                }
                if (upstream.UseUserInfo)
                {
                    o.ClaimActions.MapAll();
                }
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Events = new OpenIdConnectEvents
                {
                    OnRedirectToIdentityProvider = context =>
                    {
                        if (!string.IsNullOrEmpty(upstream.AcrValues))
                        {
                            context.ProtocolMessage.AcrValues = upstream.AcrValues;
                        }
                        return Task.CompletedTask;
                    },
                    // Every refusal (OP error, bad state, invalid ID token, …) is logged with its reason and counted.
                    OnRemoteFailure = context =>
                    {
                        var message = context.Failure?.Message ?? "";
                        var reason = context.Failure switch
                        {
                            _ when context.Request.Query["error"].FirstOrDefault() is { Length: > 0 } error => "upstream_error:" + error,
                            _ when message.Contains("message.State", StringComparison.Ordinal) => "state_invalid",
                            _ when message.Contains("Correlation failed", StringComparison.Ordinal) => "correlation_failed",
                            _ when message.Contains("Access was denied", StringComparison.Ordinal) => "access_denied",
                            Microsoft.IdentityModel.Tokens.SecurityTokenException => "id_token_invalid",
                            OpenIdConnectProtocolException => "protocol_error",
                            _ => "remote_failure",
                        };
                        context.HttpContext.RequestServices.GetRequiredService<UpstreamAccounts>()
                            .Refused("oidc", upstream.Name, reason, message);
                        context.Response.Redirect("/error");
                        context.HandleResponse();
                        return Task.CompletedTask;
                    },
                };
            });
        }
    }

    public static void MapOidcUpstreams(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(LoginPath).ExcludeFromDescription();
        group.MapGet("/{name}", (string name, string? returnUrl, IOptions<UpstreamOptions> options) =>
        {
            if (!options.Value.Oidc.Any(u => u.Name == name))
            {
                return Results.NotFound();
            }
            var done = $"{LoginPath}/{name}/done" + QueryString.Create("returnUrl", ReturnUrl.OrHome(returnUrl));
            return Results.Challenge(new AuthenticationProperties { RedirectUri = done }, [SchemeOf(name)]);
        });
        group.MapGet("/{name}/done", async (HttpContext http, string name, string? returnUrl, IOptions<UpstreamOptions> options, UpstreamAccounts accounts) =>
        {
            var upstream = options.Value.Oidc.FirstOrDefault(u => u.Name == name);
            var external = await http.AuthenticateAsync(ExternalScheme);
            if (upstream is null || !external.Succeeded || external.Principal is null
                || external.Properties?.Items.TryGetValue(".AuthScheme", out var scheme) != true || scheme != SchemeOf(name))
            {
                return Results.Redirect("/login" + QueryString.Create("ReturnUrl", ReturnUrl.OrHome(returnUrl)));
            }
            await http.SignOutAsync(ExternalScheme);
            FederationIdentity identity;
            try
            {
                identity = await accounts.SignInAsync(Assertion(name, external.Principal), upstream.Claims, http.RequestAborted);
            }
            catch (UpstreamRefusedException e)
            {
                accounts.Refused("oidc", name, e.Reason, e.Message);
                return Results.Redirect("/error");
            }
            await FederationSession.SignInAsync(http, identity);
            return Results.LocalRedirect(ReturnUrl.OrHome(returnUrl));
        });
    }

    private static UpstreamAssertion Assertion(string upstream, ClaimsPrincipal principal)
    {
        var claims = principal.Claims
            .GroupBy(c => c.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(c => c.Value).ToList(), StringComparer.Ordinal);
        DateTimeOffset? authTime = long.TryParse(principal.FindFirst("auth_time")?.Value, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
        return new UpstreamAssertion("oidc", upstream, null, null, authTime, claims, []);
    }
}
