using System.Collections.Immutable;
using System.Security.Claims;
using Federation.Core.Access;
using Federation.Core.Attributes;
using Federation.Idp.Audit;
using Federation.Idp.Clients;
using Federation.Idp.Identity;
using Federation.Idp.Pages;
using Federation.Idp.Telemetry;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Idp.Oidc;

/// <summary>
/// The application's side of OpenIddict's pass-through endpoints: who is signed in, at which
/// assurance level, and which claims each client receives (its release list, nothing else).
/// </summary>
public static class ProtocolEndpoints
{
    private const string OpenIddictScheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    /// <summary>Private claims carried in codes and refresh tokens only (no destination).</summary>
    private const string UpstreamClaim = "fed_upstream";
    private const string SystemClaim = "fed_system";

    public static IEndpointRouteBuilder MapProtocolEndpoints(this IEndpointRouteBuilder app)
    {
        var connect = app.MapGroup("/connect").ExcludeFromDescription();
        connect.MapMethods("/authorize", [HttpMethods.Get, HttpMethods.Post], Authorize);
        connect.MapPost("/token", Token);
        connect.MapMethods("/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfo);
        connect.MapMethods("/endsession", [HttpMethods.Get, HttpMethods.Post], EndSession);
        return app;
    }

    private static async Task<IResult> Authorize(
        HttpContext http, RegisteredClients clients, IOptions<IdpOptions> options, TimeProvider time, SignInAudit audit)
    {
        var request = http.GetOpenIddictServerRequest()
                      ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        using var activity = IdpTelemetry.Source.StartActivity("oidc.authorize");
        activity?.SetTag("client_id", request.ClientId);

        var system = clients.Find(request.ClientId);
        if (system is null)
        {
            return Refuse(Errors.UnauthorizedClient, "The client is not (or no longer) registered in the system register.");
        }

        // acr_values is a voluntary request (OIDC Core 5.5.1.1): honoured up to the strongest level
        // this idp can reach itself (a second factor), never a reason to refuse.
        var asked = AssuranceLevel.Strongest((request.AcrValues ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var requested = asked is { } a && a > AssuranceLevel.Loa3 ? AssuranceLevel.Loa3 : asked;

        var session = await FederationSession.GetAsync(http);
        var tooOld = session is not null && request.MaxAge is { } maxAge
                     && time.GetUtcNow() - session.AuthenticatedAt > TimeSpan.FromSeconds(maxAge);
        if (session is null || tooOld || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }
            return Results.Redirect("/login" + QueryString.Create("ReturnUrl", ReturnUrl(http, request)));
        }

        // The register's access decision, the same one the SAML IdP and the gateway apply.
        var decision = AccessPolicy.Evaluate(system, PersonFacts.From(session.Subject, session.AssuranceLevel, session.ValuesOf), requested);
        activity?.SetTag("access.decision", decision.Outcome.ToString());
        if (decision.Outcome == AccessOutcome.StepUp && decision.RequiredLevel > AssuranceLevel.Loa3)
        {
            // No second factor here reaches loa4: say so instead of sending the person round in circles.
            decision = decision with { Outcome = AccessOutcome.Denied };
        }
        switch (decision.Outcome)
        {
            case AccessOutcome.Denied when request.HasPromptValue(PromptValues.None) || request.GetParameter(DeniedModel.Acknowledged) is not null:
                audit.Record("oidc", session.Upstream, request.ClientId, session.Subject, session.UserName, "access_denied", session.AssuranceLevel);
                return Refuse(Errors.AccessDenied, decision.ReasonEnglish ?? "The register's access policy does not allow this person.");
            case AccessOutcome.Denied:
                // Show the person why first; the page's way back returns here with the acknowledgement.
                return Results.Redirect(DeniedModel.Path + QueryString.Create("ReturnUrl", ReturnUrl(http, request)));
            case AccessOutcome.StepUp when request.HasPromptValue(PromptValues.None):
                return Refuse(Errors.InteractionRequired, $"The client requires assurance level {decision.RequiredLevel}.");
            case AccessOutcome.StepUp:
                // Step up instead of failing: the person proves a second factor and comes back.
                return Results.Redirect("/mfa" + QueryString.Create("ReturnUrl", ReturnUrl(http, request)));
        }
        activity?.SetTag("acr.required", system.Access.AssuranceLevel);

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, "roles");
        identity.SetClaim(Claims.Subject, session.Subject);
        foreach (var (attribute, values) in session.Release(system.Release))
        {
            AddReleased(identity, attribute, values);
        }
        identity.SetClaim(UpstreamClaim, session.Upstream);
        identity.SetClaim(SystemClaim, system.Id);
        identity.SetScopes(request.GetScopes());
        identity.SetResources(await Audiences(http.RequestServices, options.Value, identity.GetScopes(), request.ClientId!));
        identity.SetDestinations(Destinations);

        activity?.SetTag("acr", session.AssuranceLevel);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictScheme);
    }

    // The scope manager and the accounts are resolved only where a grant needs them: a
    // client-credentials request then builds no database context at all.
    private static async Task<IResult> Token(HttpContext http, RegisteredClients clients, IOptions<IdpOptions> options)
    {
        var request = http.GetOpenIddictServerRequest()
                      ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        using var activity = IdpTelemetry.Source.StartActivity("oidc.token");
        activity?.SetTag("client_id", request.ClientId);
        activity?.SetTag("grant_type", request.GrantType);

        // The feed is read live: a client removed a moment ago gets nothing even before the sync ran.
        var system = clients.Find(request.ClientId);
        if (system is null)
        {
            return Refuse(Errors.InvalidClient, "The client is not (or no longer) registered in the system register.");
        }

        if (request.IsClientCredentialsGrantType())
        {
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, "roles");
            identity.SetClaim(Claims.Subject, request.ClientId);
            identity.SetScopes(request.GetScopes());
            identity.SetResources(await Audiences(http.RequestServices, options.Value, identity.GetScopes(), request.ClientId!));
            // No destinations to set: the only claim is sub, which OpenIddict always puts in the
            // access token (destinations are stored as JSON per claim, a cost on every token).
            IdpTelemetry.CountToken(GrantTypes.ClientCredentials, request.ClientId);
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var principal = (await http.AuthenticateAsync(OpenIddictScheme)).Principal
                            ?? throw new InvalidOperationException("OpenIddict validated the grant but gave no principal.");
            if (principal.GetClaim(UpstreamClaim) == FederationIdentity.LocalUpstream
                && !await http.RequestServices.GetRequiredService<LocalAccounts>().IsActiveAsync(principal.GetClaim(Claims.Subject)!))
            {
                return Refuse(Errors.InvalidGrant, "The account no longer exists or is locked out.");
            }
            // The release list may have shrunk since sign-in: drop what is no longer released.
            var identity = (ClaimsIdentity)principal.Identity!;
            foreach (var claim in identity.Claims.Where(c => AttributeCatalog.Find(c.Type) is not null && !system.Release.Contains(c.Type)).ToList())
            {
                identity.RemoveClaim(claim);
            }
            identity.SetDestinations(Destinations);
            IdpTelemetry.CountToken(request.GrantType!, request.ClientId);
            return Results.SignIn(principal, properties: null, OpenIddictScheme);
        }

        if (request.IsTokenExchangeGrantType())
        {
            return await TokenExchange.ExchangeAsync(http, request, system);
        }

        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> UserInfo(HttpContext http, RegisteredClients clients)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictScheme)).Principal;
        var system = clients.Find(principal?.GetClaim(Claims.ClientId) ?? principal?.GetPresenters().FirstOrDefault());
        if (principal is null || system is null)
        {
            return Results.Challenge(Properties(Errors.InvalidToken, "The access token's client is not registered."), [OpenIddictScheme]);
        }

        var body = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [Claims.Subject] = principal.GetClaim(Claims.Subject)!,
        };
        foreach (var attribute in AttributeCatalog.Released(system.Release))
        {
            var values = principal.GetClaims(attribute.ClaimType);
            if (values.IsDefaultOrEmpty)
            {
                continue;
            }
            body[attribute.ClaimType] = attribute.IsMultiValued ? values.ToArray() : values[0];
        }
        return Results.Ok(body);
    }

    private static async Task<IResult> EndSession(HttpContext http, IAntiforgery antiforgery)
    {
        var request = http.GetOpenIddictServerRequest()
                      ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var session = await FederationSession.GetAsync(http);

        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType && http.Request.Form.ContainsKey("confirm"))
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Redirect("/error?reason=antiforgery");
            }
        }
        else if (session is not null)
        {
            // Ask first: a sign-out must not be triggered by a link alone.
            return Results.Redirect("/signout" + QueryString.Create(request.GetParameters()
                .Select(p => new KeyValuePair<string, string?>(p.Key, (string?)p.Value))));
        }

        await FederationSession.SignOutAsync(http);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/signed-out" }, [OpenIddictScheme]);
    }

    /// <summary>One claim per value: a JWT carries one value as a string, several as an array.</summary>
    private static void AddReleased(ClaimsIdentity identity, string attribute, IReadOnlyList<string> values)
    {
        foreach (var value in values)
        {
            identity.AddClaim(new Claim(attribute, value));
        }
    }

    /// <summary>Released attributes go to the id token and the access token alike; private claims nowhere.</summary>
    private static IEnumerable<string> Destinations(Claim claim) => claim.Type switch
    {
        UpstreamClaim or SystemClaim => [],
        _ => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
    };

    /// <summary>
    /// The APIs the granted scopes stand for (configured <see cref="IdpOptions.ApiScopes"/>, then the
    /// scope store); a token for no API is for the client itself.
    /// </summary>
    private static async Task<ImmutableArray<string>> Audiences(
        IServiceProvider services, IdpOptions options, ImmutableArray<string> granted, string clientId)
    {
        var audiences = new List<string>();
        var unknown = new List<string>();
        foreach (var scope in granted)
        {
            if (options.ApiScopes.TryGetValue(scope, out var audience))
            {
                audiences.Add(audience);
            }
            else if (scope is not (Scopes.OpenId or Scopes.OfflineAccess or Scopes.Profile or Scopes.Email or Scopes.Roles or Scopes.Phone or Scopes.Address))
            {
                unknown.Add(scope);
            }
        }
        if (unknown.Count > 0)
        {
            var scopes = services.GetRequiredService<IOpenIddictScopeManager>();
            await foreach (var resource in scopes.ListResourcesAsync([.. unknown]))
            {
                audiences.Add(resource);
            }
        }
        return audiences.Count > 0 ? [.. audiences.Distinct(StringComparer.Ordinal)] : [clientId];
    }

    /// <summary>The authorize request as a local URL, to come back to after sign-in (without prompt=login, or it would loop).</summary>
    private static string ReturnUrl(HttpContext http, OpenIddictRequest request)
    {
        var parameters = request.GetParameters()
            .Where(p => p.Key != Parameters.Prompt || !request.HasPromptValue(PromptValues.Login))
            .Select(p => new KeyValuePair<string, string?>(p.Key, (string?)p.Value));
        return http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);
    }

    private static AuthenticationProperties Properties(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(Properties(error, description), [OpenIddictScheme]);
}
