using System.Security.Claims;
using Federation.Core.Feed;
using Federation.Core.Integration;
using Federation.Core.Navigation;
using Federation.Gateway.Routing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Federation.Gateway.Identity;

/// <summary>
/// Two ways in: people get a cookie session after an OpenID Connect sign-in at the idp
/// (authorization code + PKCE, confidential client); programs send a bearer access token
/// (JWT, <c>typ: at+jwt</c>) that is checked against the idp's JWKS.
/// </summary>
public static class GatewayAuthentication
{
    /// <summary>Picks bearer or cookie per request.</summary>
    public const string Scheme = "federation";

    public const string CookieName = "federation.session";

    /// <summary>
    /// Authorization policy on every endpoint the gateway serves itself (portal, sign-in, sign-out):
    /// a bearer token counts there only when it is issued for the gateway (<see cref="IsIssuedForGateway"/>).
    /// </summary>
    public const string GatewayAudiencePolicy = "GatewayAudience";

    /// <summary>Authentication property item that asks the idp for a higher assurance level.</summary>
    public const string AcrValuesItem = "acr_values";

    /// <summary>Claims the idp sends that the policy or the release list may need.</summary>
    internal static readonly string[] ArrayClaims = ["roles", "groups", "school_units", "affiliation"];

    internal static readonly string[] SingleClaims =
        ["eppn", "display_name", "given_name", "family_name", "name", "email", "personnummer", "acr"];

    public static IHostApplicationBuilder AddGatewayAuthentication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayIdentityOptions>()
            .BindConfiguration(GatewayIdentityOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Authority is { IsAbsoluteUri: true }, "Identity:Authority must be an absolute URI.")
            .Validate(o => o.Scopes.Contains("openid"), "Identity:Scopes must contain openid.")
            .Validate(o => o.Scopes.Contains("offline_access"), "Identity:Scopes must contain offline_access: the session's refresh token re-checks the person at the idp and is exchanged for each system's own token.")
            .Validate(o => o.AbsoluteSessionLifetime > TimeSpan.Zero && o.SessionLifetime > TimeSpan.Zero, "Identity session lifetimes must be positive.")
            .ValidateOnStart();

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or bearer", o => o.ForwardDefaultSelector = context =>
                IsBearer(context.Request) ? JwtBearerDefaults.AuthenticationScheme : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.SlidingExpiration = true;
            })
            .AddOpenIdConnect()
            .AddJwtBearer();

        services.AddSingleton<EndedSessions>();
        services.AddSingleton<SessionRenewal>();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<GatewayIdentityOptions>, SessionRenewal>((o, identity, renewal) =>
            {
                o.ExpireTimeSpan = identity.Value.SessionLifetime;
                o.Events.OnSigningIn = renewal.SigningInAsync;
                o.Events.OnValidatePrincipal = renewal.ValidatePrincipalAsync;
            });
        // After the framework's post-configure, which creates the ticket format this wraps.
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, CacheSessionTickets>();

        services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IOptions<GatewayIdentityOptions>>((o, identityOptions) => ConfigureOpenIdConnect(o, identityOptions.Value))
            .Validate(o => o.ResponseType == OpenIdConnectResponseType.Code && o.UsePkce && !string.IsNullOrEmpty(o.ClientSecret),
                "The gateway signs in with authorization code + PKCE as a confidential client.")
            .ValidateOnStart();

        services.AddSingleton<ValidatedTokenCache>();
        services.AddSingleton<UserFactsCache>();
        services.AddSingleton<Proxy.BackendTokens>();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<GatewayIdentityOptions>, SystemDirectory, ValidatedTokenCache>((o, identityOptions, directory, cache) =>
            {
                ConfigureJwtBearer(o, identityOptions.Value, directory);
                o.Events = cache.Events();
            });

        services.AddOptions<AuthorizationOptions>()
            .Configure<IOptions<GatewayIdentityOptions>>((o, identity) => o.AddPolicy(GatewayAudiencePolicy,
                policy => policy.AddRequirements(new GatewayAudienceRequirement(identity.Value))));
        services.AddAuthorization();
        return builder;
    }

    /// <summary>
    /// Authentication in the pipeline (<see cref="GatewayAuthenticationMiddleware"/>), marked with the
    /// framework's own key: without it WebApplication would put its own authentication middleware
    /// in front of the pipeline as well, and every request would be authenticated twice.
    /// </summary>
    public static IApplicationBuilder UseGatewayAuthentication(this IApplicationBuilder app)
    {
        app.Properties[FrameworkAuthenticationSetKey] = true;
        return app.UseMiddleware<GatewayAuthenticationMiddleware>();
    }

    /// <summary>The key <c>UseAuthentication()</c> sets and WebApplication looks for (AuthAppBuilderExtensions).</summary>
    internal const string FrameworkAuthenticationSetKey = "__AuthenticationMiddlewareSet";

    public static bool IsBearer(HttpRequest request) =>
        request.Headers.Authorization is [{ } value] && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    private static void ConfigureOpenIdConnect(OpenIdConnectOptions o, GatewayIdentityOptions identity)
    {
        o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        o.Authority = identity.Authority?.ToString();
        o.RequireHttpsMetadata = identity.RequireHttpsMetadata;
        o.ClientId = identity.ClientId;
        o.ClientSecret = identity.ClientSecret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        // The access token is kept in the session for systems that want a token, not headers.
        o.SaveTokens = true;
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = true;
        o.TokenValidationParameters.NameClaimType = "name";
        o.TokenValidationParameters.RoleClaimType = "roles";
        o.Scope.Clear();
        foreach (var scope in identity.Scopes)
        {
            o.Scope.Add(scope);
        }
        // The handler drops acr by default; the policy needs it for assurance levels.
        o.ClaimActions.Remove("acr");
        foreach (var claim in ArrayClaims)
        {
            o.ClaimActions.MapJsonKey(claim, claim);
        }
        foreach (var claim in SingleClaims)
        {
            o.ClaimActions.MapUniqueJsonKey(claim, claim);
        }
        if (!identity.RequireHttpsMetadata)
        {
            // Loopback demo over plain HTTP: browsers drop SameSite=None cookies without Secure,
            // and the idp on another port of 127.0.0.1 is the same site anyway.
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
        }
        // Wherever the sign-in was asked to return to, the callback sends the browser only to a local path.
        o.Events.OnTicketReceived = context =>
        {
            context.ReturnUri = ReturnUrl.OrHome(context.ReturnUri);
            SignInTracing.OnTicketReceived(context);
            return Task.CompletedTask;
        };
        o.Events.OnRemoteFailure = context =>
        {
            SignInTracing.OnRemoteFailure(context);
            return Task.CompletedTask;
        };
        o.Events.OnRedirectToIdentityProvider = context =>
        {
            if (context.Properties.Items.TryGetValue(AcrValuesItem, out var acr) && acr is not null)
            {
                // The idp keeps the session and asks only for the stronger factor.
                context.ProtocolMessage.AcrValues = acr;
            }
            SignInTracing.OnRedirectToIdentityProvider(context);
            return Task.CompletedTask;
        };
    }

    private static void ConfigureJwtBearer(JwtBearerOptions o, GatewayIdentityOptions identity, SystemDirectory directory)
    {
        o.Authority = identity.Authority?.ToString();
        o.RequireHttpsMetadata = identity.RequireHttpsMetadata;
        o.MapInboundClaims = false;
        o.TokenValidationParameters.NameClaimType = "name";
        o.TokenValidationParameters.RoleClaimType = "roles";
        // RFC 9068: only access tokens, never an ID token presented as one.
        o.TokenValidationParameters.ValidTypes = ["at+jwt"];
        o.TokenValidationParameters.ValidAlgorithms = AccessTokenAlgorithms.Accepted;
        var audiences = identity.ApiAudiences.ToHashSet(StringComparer.Ordinal);
        o.TokenValidationParameters.AudienceValidator = (tokenAudiences, _, _) =>
            tokenAudiences.Any(a => audiences.Contains(a)
                                    || directory.Current.Routed.Values.Any(s => s.Backend?.Audience == a));
    }

    /// <summary>
    /// A bearer token works at a system only when it was issued for that system: its audience
    /// holds the system's own audience, or, for a system without one, the gateway's. So a token
    /// for system A is refused at system B's route even though both audiences are registered.
    /// </summary>
    public static bool IsIssuedFor(ClaimsPrincipal user, FeedSystem system, GatewayIdentityOptions options) =>
        system.Backend?.Audience is { } own ? HoldsAudience(user, [own]) : IsIssuedForGateway(user, options);

    /// <summary>
    /// The gateway itself (its own endpoints, and systems without an audience of their own) accepts
    /// only tokens whose audience is one of <see cref="GatewayIdentityOptions.ApiAudiences"/>: the JWT
    /// handler lets every registered backend's audience through, this narrows it.
    /// </summary>
    public static bool IsIssuedForGateway(ClaimsPrincipal user, GatewayIdentityOptions options) =>
        HoldsAudience(user, options.ApiAudiences);

    private static bool HoldsAudience(ClaimsPrincipal user, IEnumerable<string> audiences) =>
        user.FindAll("aud").Any(claim => audiences.Contains(claim.Value, StringComparer.Ordinal));

    /// <summary>Sends a person to the idp on the way to <paramref name="system"/>; with <paramref name="acrValues"/> for a stronger sign-in.</summary>
    public static Task ChallengeBrowserAsync(HttpContext context, string system, string? acrValues)
    {
        var properties = new AuthenticationProperties
        {
            RedirectUri = ReturnUrl.OrHome(context.Request.PathBase + context.Request.Path + context.Request.QueryString),
        };
        SignInTracing.Started(properties, system, context.RequestServices.GetRequiredService<TimeProvider>());
        if (acrValues is not null)
        {
            properties.Items[AcrValuesItem] = acrValues;
        }
        return context.ChallengeAsync(OpenIdConnectDefaults.AuthenticationScheme, properties);
    }
}
