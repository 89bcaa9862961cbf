using Federation.Core.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Federation.Demo.EService;

/// <summary>
/// Cookie session after an OpenID Connect sign-in at the idp. Every sign-in asks for the service's
/// level (<c>acr_values</c>), so the idp steps a password sign-in up with the second factor, and
/// the ID token's <c>acr</c> is checked again here: a token from a weaker sign-in is refused
/// whatever the idp did.
/// </summary>
public static class EServiceSignIn
{
    public const string CookieName = "eservice.session";

    public static IHostApplicationBuilder AddEServiceSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EServiceOptions>()
            .BindConfiguration(EServiceOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => AssuranceLevel.TryParse(o.RequiredLevel, out _), "EService:RequiredLevel must be an assurance level (loa1–loa4).")
            .ValidateOnStart();

        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
            })
            .AddOpenIdConnect();
        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IOptions<EServiceOptions>>((o, options) => Configure(o, options.Value));
        return builder;
    }

    private static void Configure(OpenIdConnectOptions o, EServiceOptions service)
    {
        o.Authority = service.Authority?.AbsoluteUri;
        o.RequireHttpsMetadata = service.RequireHttpsMetadata;
        o.ClientId = service.ClientId;
        o.ClientSecret = service.ClientSecret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        o.SaveTokens = true; // the ID token is the hint of the idp's end-session request
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = true;
        o.TokenValidationParameters.NameClaimType = "name";
        o.Scope.Clear();
        o.Scope.Add("openid");
        o.Scope.Add("profile");
        o.ClaimActions.Remove("acr"); // dropped by default; this page and the check below need it
        o.ClaimActions.MapUniqueJsonKey("personnummer", "personnummer");
        if (!service.RequireHttpsMetadata)
        {
            // Loopback demo over plain http: SameSite=None cookies without Secure are dropped, and
            // the idp on another port of 127.0.0.1 is the same site anyway.
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
        }
        o.Events.OnRedirectToIdentityProvider = context =>
        {
            context.ProtocolMessage.AcrValues = service.RequiredLevel;
            return Task.CompletedTask;
        };
        o.Events.OnTokenValidated = context =>
        {
            var acr = context.Principal?.FindFirst("acr")?.Value;
            if (!AssuranceLevel.Satisfies(acr, service.RequiredLevel))
            {
                context.Fail($"The sign-in's assurance level '{acr ?? "none"}' is below {service.RequiredLevel}.");
            }
            return Task.CompletedTask;
        };
        o.Events.OnRemoteFailure = async context =>
        {
            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await EServicePages.WriteRefusalAsync(context.Response, service, context.Failure?.Message);
        };
    }
}
