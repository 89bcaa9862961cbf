using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Federation.Core.Integration;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Federation.Inventory.Auth;

/// <summary>Configuration section <c>Auth</c>: who issues the access tokens the register accepts.</summary>
public sealed class InventoryAuthOptions
{
    public const string Section = "Auth";

    /// <summary>The token issuer (the idp), e.g. <c>http://127.0.0.1:5100/</c>; its discovery document gives the keys.</summary>
    [Required]
    public Uri? Authority { get; set; }

    /// <summary>The <c>aud</c> the tokens must carry.</summary>
    [Required]
    public string Audience { get; set; } = "federation-inventory";

    /// <summary>When true, reading systems and reports needs a valid token too (default: open reads; secrets are never shown).</summary>
    public bool RequireAuthenticatedReads { get; set; }

    /// <summary>The idp's own client id: the only caller that may read one person's releases (for that person's page).</summary>
    [Required]
    public string IdpClientId { get; set; } = IntegrationRules.IdpClientId;

    /// <summary>
    /// The client the register's pages sign people in with: the register's own system's client in
    /// the register (public, authorization code + PKCE; its redirect URIs must list
    /// <c>{register}/signin-oidc</c> and, for sign-out, <c>{register}/signout-callback-oidc</c>).
    /// </summary>
    [Required]
    public string PagesClientId { get; set; } = "federation-register";
}

/// <summary>JWT bearer (RFC 9068 access tokens) and the register's policies.</summary>
public static class InventoryAuth
{
    public const string RegisterAdmin = "register-admin";
    public const string RegisterReader = "register-reader";

    /// <summary>Signed in with a role that can change some system (administrator or system owner); per system, <see cref="RegisterPermissions.CanChange"/> decides.</summary>
    public const string RegisterEditor = "register-editor";
    public const string FeedReader = "feed-reader";
    public const string SignInEventWriter = "signin-event-writer";
    public const string SubjectReleasesReader = "subject-releases-reader";

    public const string FeedScope = "federation.feed";
    public const string SignInEventsScope = IntegrationRules.SignInEventsScope;
    public const string SubjectReleasesScope = IntegrationRules.SubjectReleasesScope;

    public static IHostApplicationBuilder AddInventoryAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InventoryAuthOptions>()
            .BindConfiguration(InventoryAuthOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Authority is { IsAbsoluteUri: true }, "Auth:Authority must be an absolute URL (the idp's issuer).")
            .ValidateOnStart();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<InventoryAuthOptions>>((bearer, auth) =>
            {
                var authority = auth.Value.Authority;
                bearer.Authority = authority?.ToString();
                bearer.Audience = auth.Value.Audience;
                // The demo idp runs on plain http on loopback; anywhere else metadata must come over https.
                bearer.RequireHttpsMetadata = authority is not { IsLoopback: true };
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters.ValidTypes = ["at+jwt"];
                bearer.TokenValidationParameters.ValidAlgorithms = AccessTokenAlgorithms.Accepted;
                bearer.TokenValidationParameters.RoleClaimType = "roles";
                bearer.TokenValidationParameters.NameClaimType = "preferred_username";
            });

        builder.Services.AddOptions<Microsoft.AspNetCore.Authorization.AuthorizationOptions>()
            .Configure<IOptions<InventoryAuthOptions>>((authorization, auth) =>
            {
                authorization.AddPolicy(RegisterReader, p =>
                    p.RequireAssertion(c => !auth.Value.RequireAuthenticatedReads || c.User.Identity?.IsAuthenticated == true));
                // One person's releases: only the idp's own token (a client's token, no person in it) with
                // the scope; a person's token, another client's or the idp's feed token are refused.
                authorization.AddPolicy(SubjectReleasesReader, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                    HasScope(c.User, SubjectReleasesScope) && IsClientItself(c.User, auth.Value.IdpClientId)));
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(RegisterAdmin, p => p.RequireAuthenticatedUser().RequireRole(RegisterAdmin))
            .AddPolicy(RegisterEditor, p => p.RequireAuthenticatedUser().RequireRole(RegisterAdmin, RegisterPermissions.SystemOwner))
            .AddPolicy(FeedReader, p => p.RequireAuthenticatedUser().RequireAssertion(c => HasScope(c.User, FeedScope)))
            .AddPolicy(SignInEventWriter, p => p.RequireAuthenticatedUser().RequireAssertion(c => HasScope(c.User, SignInEventsScope)));
        return builder;
    }

    /// <summary><c>scope</c> is space separated (RFC 9068), but some issuers send an array.</summary>
    public static bool HasScope(ClaimsPrincipal user, string scope) =>
        user.FindAll("scope").Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));

    /// <summary>A client's own token (client credentials): its subject is the client, not a person who signed in to it.</summary>
    public static bool IsClientItself(ClaimsPrincipal user, string clientId) =>
        user.FindFirst("client_id")?.Value == clientId && user.FindFirst("sub")?.Value == clientId;

    /// <summary>Who to name in the audit log.</summary>
    public static string ActorOf(ClaimsPrincipal user) =>
        user.FindFirst("preferred_username")?.Value
        ?? user.FindFirst("eppn")?.Value
        ?? user.FindFirst("sub")?.Value
        ?? user.FindFirst("client_id")?.Value
        ?? "unknown";
}
