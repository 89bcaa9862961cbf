using Federation.Core.Access;
using Federation.Core.Feed;
using Federation.Core.Http;
using Federation.Core.Text;
using Federation.Gateway.Identity;
using Federation.Gateway.Pages;
using Federation.Gateway.Routing;
using Federation.Gateway.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Gateway.Proxy;

/// <summary>What the gate decided, for the forwarding transform.</summary>
public sealed record ForwardedIdentity(FeedSystem System, string? AccessToken, UserFacts User);

/// <summary>
/// Runs inside YARP's pipeline, after the route is known and before a destination is picked:
/// sign-in, the system's access policy, step-up, the decommissioning notice. Only a request
/// that passes every check reaches the backend.
/// </summary>
public sealed class SystemGateMiddleware(
    RequestDelegate next,
    SystemDirectory directory,
    IdentitySigning signing,
    UserFactsCache userFacts,
    BackendTokens backendTokens,
    GatewayMetrics metrics,
    IOptions<GatewayIdentityOptions> identityOptions,
    ILogger<SystemGateMiddleware> logger)
{
    public const string NoticeCookiePrefix = "federation.notice.";

    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.GetReverseProxyFeature().Route;
        if (!route.Config.Metadata!.TryGetValue(FeedRouteMap.SystemMetadataKey, out var systemId)
            || !directory.Current.Routed.TryGetValue(systemId, out var system))
        {
            // The route outlived its system by a moment during a reload.
            await RetiredSystemMiddleware.WriteGoneAsync(context, systemId ?? "?", systemId ?? "?");
            return;
        }
        // Origin isolation: a system with a host of its own is served only there, and on such a host
        // nothing else (YARP cannot match "any host but these", so the rest is refused here).
        var host = context.Request.Host.Host;
        if (system.Backend?.PublicHost is { } own
                ? !string.Equals(host, own, StringComparison.OrdinalIgnoreCase)
                : directory.Current.OwnHosts.Contains(host))
        {
            await GatewayResponses.WriteAsync(context, StatusCodes.Status404NotFound, "not-on-this-host",
                new("Sidan finns inte här", "The page is not here"),
                new("Systemet nås inte på den här adressen.", "The system is not reached at this address."),
                "Not found", "The system is not served on this host name.", system.Id);
            return;
        }
        // The backend's own empty error responses pass through unchanged.
        context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;

        var user = context.User;
        var api = GatewayResponses.IsApiRequest(context.Request);
        if (user.Identity?.IsAuthenticated != true)
        {
            if (api)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await GatewayResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthenticated",
                    new("Inloggning krävs", "Sign-in required"), new("Logga in för att använda systemet.", "Sign in to use the system."),
                    "Authentication required", "Send an access token from the federation's idp.", system.Id);
                return;
            }
            await GatewayAuthentication.ChallengeBrowserAsync(context, system.Id, acrValues: null);
            return;
        }

        if (GatewayAuthentication.IsBearer(context.Request) && !GatewayAuthentication.IsIssuedFor(user, system, identityOptions.Value))
        {
            await GatewayResponses.WriteTokenForAnotherAudienceAsync(context, system.Id);
            return;
        }

        var facts = userFacts.For(user);
        var decision = AccessPolicy.Evaluate(system, facts.Attributes);
        metrics.RecordDecision(system.Id, decision);
        switch (decision.Outcome)
        {
            case AccessOutcome.Denied:
                logger.LogInformation("Refused {Subject} access to {System}: {Reason}",
                    user.FindFirst("sub")?.Value, system.Id, decision.ReasonCode);
                await GatewayResponses.WriteAsync(context, StatusCodes.Status403Forbidden, decision.ReasonCode!,
                    new($"Du har inte behörighet till {system.Name}", $"You do not have access to {system.Name}"), decision.Reason!,
                    "Access refused", decision.ReasonEnglish!, system.Id);
                return;
            case AccessOutcome.StepUp when api:
                // RFC 9470: the client must get a token from a stronger sign-in.
                context.Response.Headers.WWWAuthenticate =
                    $"Bearer error=\"insufficient_user_authentication\", error_description=\"{decision.ReasonEnglish}\", acr_values=\"{decision.RequiredLevel?.Name}\"";
                await GatewayResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, "assurance",
                    new("Starkare inloggning krävs", "Stronger sign-in required"), decision.Reason!,
                    "Stronger authentication required", decision.ReasonEnglish!, system.Id);
                return;
            case AccessOutcome.StepUp:
                await GatewayAuthentication.ChallengeBrowserAsync(context, system.Id, decision.RequiredLevel?.Name);
                return;
        }

        // Per-system release: a person's session gets this system's own token (Proxy/BackendTokens.cs).
        BackendToken? exchanged = null;
        if (!GatewayAuthentication.IsBearer(context.Request) && (exchanged = await ExchangeAsync(context, system)) is null)
        {
            return;
        }

        var backend = system.Backend!;
        string? token = null;
        if (backend.IdentityForwarding == IdentityForwarding.Token)
        {
            token = exchanged?.AccessToken ?? await FindTokenForAudienceAsync(context, backend.Audience);
            if (token is null)
            {
                await GatewayResponses.WriteAsync(context, StatusCodes.Status403Forbidden, "audience",
                    CannotUseNow(system),
                    new("Din inloggning gav ingen åtkomsttoken som gäller för det här systemet. Logga ut och in igen, eller kontakta systemförvaltaren.",
                        "Your sign-in gave no access token that is valid for this system. Sign out and in again, or contact the system administrator."),
                    "No token for this backend", $"The caller's access token is not issued for the audience '{backend.Audience}'.", system.Id);
                return;
            }
        }
        else if (!signing.CanSign(system.Id))
        {
            // Fail closed: unsigned identity headers would be worthless to the backend.
            logger.LogError("No signing key configured for system {System} (Gateway:Backends:{System}:SigningKey)", system.Id, system.Id);
            await GatewayResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "not-configured",
                new($"{system.Name} är inte tillgängligt", $"{system.Name} is not available"),
                new("Porten saknar inställningar för systemet. Kontakta systemförvaltaren.",
                    "The gateway lacks settings for the system. Contact the system administrator."),
                "Backend not configured", "The gateway has no signing key for this backend.", system.Id);
            return;
        }

        if (system.Lifecycle == LifecyclePhase.Avveckling && await ShowNoticeAsync(context, system, api))
        {
            return;
        }

        context.Features.Set(new ForwardedIdentity(system, token, exchanged?.User ?? facts));
        await next(context);
    }

    /// <summary>The person's token for the system, or null after answering why there is none.</summary>
    private async Task<BackendToken?> ExchangeAsync(HttpContext context, FeedSystem system)
    {
        try
        {
            if (await backendTokens.ForSessionAsync(context, system) is { } exchanged)
            {
                return exchanged;
            }
            await GatewayResponses.WriteAsync(context, StatusCodes.Status403Forbidden, "release",
                CannotUseNow(system),
                new("Inloggningstjänsten lämnade inte ut dina uppgifter till systemet. Logga ut och in igen, eller kontakta systemförvaltaren.",
                    "The sign-in service did not release your details to the system. Sign out and in again, or contact the system administrator."),
                "No token for this system", "The idp issued no token for this system to the session; sign in again.", system.Id);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "Token exchange for {System} failed", system.Id);
            context.Response.Headers.RetryAfter = "5";
            await GatewayResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "idp-unavailable",
                new($"{system.Name} är inte tillgängligt just nu", $"{system.Name} is not available right now"),
                new("Inloggningstjänsten svarar inte. Försök igen om en stund.", "The sign-in service does not answer. Try again in a while."),
                "Identity provider unavailable", "The idp could not be reached for this system's token.", system.Id);
        }
        return null;
    }

    /// <summary>
    /// Every response carries the notice as a header; a person sees it once per browser
    /// session as a page before the system opens (a banner injected into the backend's HTML
    /// would break pages the gateway does not understand).
    /// </summary>
    private static async Task<bool> ShowNoticeAsync(HttpContext context, FeedSystem system, bool api)
    {
        var notice = system.Notice ?? $"{system.Name} avvecklas och kommer att stängas.";
        context.Response.Headers[Forwarding.FederationHeaders.Notice] = Uri.EscapeDataString(notice);
        var cookie = NoticeCookiePrefix + system.Id;
        if (api || !HttpMethods.IsGet(context.Request.Method)
                || !context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
                || CookieHeader.Find(context.Request, cookie) is not null)
        {
            return false;
        }
        // Session cookie: the notice comes back after the browser is closed.
        context.Response.Cookies.Append(cookie, "1", new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Path = system.Backend!.PublicPath.TrimEnd('/'),
        });
        var target = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        await GatewayResponses.WritePageAsync(context, new($"{system.Name} avvecklas", $"{system.Name} is being retired"),
            $"""<p class="notice">{GatewayResponses.Encode(notice)}</p><p><a href="{GatewayResponses.Encode(target)}">{GatewayResponses.Encode(new PersonText($"Fortsätt till {system.Name}", $"Continue to {system.Name}").Current)}</a></p>""");
        return true;
    }

    private static PersonText CannotUseNow(FeedSystem system) =>
        new($"Du kan inte använda {system.Name} just nu", $"You cannot use {system.Name} right now");

    private static async Task<string?> FindTokenForAudienceAsync(HttpContext context, string? audience)
    {
        string? token;
        if (GatewayAuthentication.IsBearer(context.Request))
        {
            token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        }
        else
        {
            token = await context.GetTokenAsync(CookieAuthenticationDefaults.AuthenticationScheme, "access_token");
        }
        if (token is null || audience is null)
        {
            return null;
        }
        try
        {
            // The token was validated (bearer) or came straight from the idp's token endpoint (cookie).
            var audiences = new JsonWebToken(token).Audiences;
            return audiences.Contains(audience, StringComparer.Ordinal) ? token : null;
        }
        catch (Exception)
        {
            // Not a JWT: it cannot be matched to an audience.
            return null;
        }
    }
}
