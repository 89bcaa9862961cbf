using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Federation.Inventory.Auth;

/// <summary>
/// How people sign in to the register's pages: at the idp (authorization code + PKCE), kept in
/// the register's own session cookie. The API keeps bearer tokens; the two never mix: the pages'
/// policy reads the cookie only, the API's policies the bearer token only.
/// </summary>
public static class RegisterSignIn
{
    public const string CookieScheme = "register-pages";
    public const string OidcScheme = "register-oidc";

    /// <summary>The pages' policy: signed in through the idp and <see cref="RegisterPermissions.CanRead"/>.</summary>
    public const string PeoplePolicy = "register-people";

    /// <summary>The session pages (refused, sign-out, signed out): the cookie is read if there is one, nothing is required.</summary>
    public const string SessionPolicy = "register-session";

    public const string PagesRoot = "/register";
    public const string RefusedPath = "/register/refused";
    public const string SignOutPath = "/register/signout";
    public const string SignedOutPath = "/register/signed-out";

    public static IHostApplicationBuilder AddRegisterSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication()
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "federation-register";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.Path = "/";
                // A working day; the idp's own session decides whether signing in again asks for a password.
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                cookie.AccessDeniedPath = RefusedPath;
                cookie.ForwardChallenge = OidcScheme;
            })
            .AddOpenIdConnect(OidcScheme, _ => { });

        builder.Services.AddOptions<OpenIdConnectOptions>(OidcScheme)
            .Configure<IOptions<InventoryAuthOptions>>((oidc, auth) =>
            {
                var authority = auth.Value.Authority;
                oidc.Authority = authority?.ToString();
                oidc.RequireHttpsMetadata = authority is not { IsLoopback: true };
                oidc.ClientId = auth.Value.PagesClientId;
                oidc.ResponseType = "code";
                oidc.UsePkce = true;
                oidc.SignInScheme = CookieScheme;
                oidc.Scope.Clear();
                oidc.Scope.Add("openid");
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.SaveTokens = true; // the id token is the hint for the idp's end_session
                oidc.CallbackPath = "/signin-oidc";
                oidc.SignedOutCallbackPath = "/signout-callback-oidc";
                oidc.SignedOutRedirectUri = SignedOutPath;
                oidc.TokenValidationParameters.NameClaimType = "name";
                oidc.TokenValidationParameters.RoleClaimType = "roles";
                // Every released attribute becomes a claim of the session (roles and groups are arrays).
                oidc.ClaimActions.Clear();
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PeoplePolicy, p => p
                .AddAuthenticationSchemes(CookieScheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(c => RegisterPermissions.CanRead(RegisterPerson.From(c.User))))
            .AddPolicy(SessionPolicy, p => p
                .AddAuthenticationSchemes(CookieScheme)
                .RequireAssertion(_ => true));

        builder.Services.AddRazorPages(o =>
        {
            // Folders of page files (Pages/Register, Pages/Session), not URLs: every page of the
            // register is under the people policy unless it is one of the session pages.
            o.Conventions.AuthorizeFolder("/Register", PeoplePolicy);
            o.Conventions.AuthorizeFolder("/Session", SessionPolicy);
        });
        builder.Services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        return builder;
    }
}
