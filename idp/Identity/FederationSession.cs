using Microsoft.AspNetCore.Authentication;

namespace Federation.Idp.Identity;

/// <summary>
/// The single sign-in session of the idp: one cookie that holds the <see cref="FederationIdentity"/>.
/// OIDC's authorize endpoint and the SAML IdP both read it, so a person signed in for one
/// protocol reaches the other without signing in again. Local accounts and upstream IdPs write it.
/// </summary>
public static class FederationSession
{
    public const string Scheme = "Federation.Session";

    public const string CookieName = "federation.session.idp";

    public static Task SignInAsync(HttpContext context, FederationIdentity identity) =>
        context.SignInAsync(Scheme, identity.ToSessionPrincipal(Scheme), new AuthenticationProperties { IsPersistent = false });

    /// <summary>The signed-in person, or null.</summary>
    public static async Task<FederationIdentity?> GetAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        return result.Succeeded ? FederationIdentity.FromSessionPrincipal(result.Principal) : null;
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);

    public static AuthenticationBuilder AddFederationSession(this AuthenticationBuilder builder, TimeSpan lifetime) =>
        builder.AddCookie(Scheme, o =>
        {
            // Not the gateway's "federation.session": cookies ignore the port, so on a shared host (the
            // demo on 127.0.0.1) the gateway's sign-in would replace this one and end the idp's session.
            // The gateway's prefix still keeps it out of what the gateway forwards to its backends.
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = lifetime;
            o.SlidingExpiration = false;
            o.LoginPath = "/login";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/error";
        });
}
