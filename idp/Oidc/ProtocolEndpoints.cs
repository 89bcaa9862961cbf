using System.Collections.Immutable;
using System.Globalization;
using System.Security.Claims;
using Federation.Core.Access;
using Federation.Core.Attributes;
using Federation.Core.Feed;
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
    private const string AcrClaim = "fed_acr";
    private const string MethodsClaim = "fed_amr";
    private const string FactsRolesClaim = "fed_roles";
    private const string FactsGroupsClaim = "fed_groups";
    private const string FactsUnitsClaim = "fed_units";

    private static readonly string[] PrivateClaims =
        [UpstreamClaim, SystemClaim, AcrClaim, MethodsClaim, FactsRolesClaim, FactsGroupsClaim, FactsUnitsClaim];

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
        HttpContext http, RegisteredClients clients, IOptions<IdpOptions> options, TimeProvider time, SignInAudit audit,
        FreshSignIn freshness)
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
        if (ClientScopes.NotAllowed(system, request.GetScopes()).ToList() is { Count: > 0 } refusedScopes)
        {
            return Refuse(Errors.InvalidScope, ClientScopes.Description(refusedScopes));
        }

        // acr_values is a voluntary request (OIDC Core 5.5.1.1): honoured up to the strongest level
        // this idp can reach itself (a second factor), never a reason to refuse.
        var asked = AssuranceLevel.Strongest((request.AcrValues ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var requested = asked is { } a && a > AssuranceLevel.Loa3 ? AssuranceLevel.Loa3 : asked;

        var session = await FederationSession.GetAsync(http);
        var tooOld = session is not null && request.MaxAge is { } maxAge
                     && time.GetUtcNow() - session.AuthenticatedAt > TimeSpan.FromSeconds(maxAge);
        // prompt=login and max_age ask for a new authentication (OIDC Core 3.1.2.1): the request
        // comes back from /login with a protected marker naming the session it replaced, and counts
        // as answered only when the session now is a different one. No clock comparison, so
        // max_age=0 does not loop, and dropping or replaying the marker does not skip the form.
        var answered = session is not null && freshness.AnsweredBy(request.GetParameter(FreshSignIn.Parameter)?.ToString(), session);
        if (session is null || (!answered && (tooOld || request.HasPromptValue(PromptValues.Login))))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }
            return Results.Redirect("/login" + QueryString.Create("ReturnUrl", ReturnUrl(http, request, freshness.Marker(session))));
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
        var released = session.Release(system.Release);
        foreach (var (attribute, values) in released)
        {
            AddReleased(identity, attribute, values);
        }
        // When the person authenticated (OIDC Core 2: required with max_age, and what shows a fresh sign-in).
        identity.AddClaim(new Claim(Claims.AuthenticationTime,
            session.AuthenticatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        identity.SetClaim(UpstreamClaim, session.Upstream);
        identity.SetClaim(SystemClaim, system.Id);
        identity.SetClaim(AcrClaim, session.AssuranceLevel);
        identity.SetClaims(MethodsClaim, [.. session.AuthenticationMethods]);
        if (session.Upstream != FederationIdentity.LocalUpstream)
        {
            // An upstream person has no stored attributes to reload at refresh: keep what the
            // access decision looks at, privately, in the code and refresh token.
            identity.SetClaims(FactsRolesClaim, [.. session.Roles]);
            identity.SetClaims(FactsGroupsClaim, [.. session.Groups]);
            identity.SetClaims(FactsUnitsClaim, [.. session.SchoolUnits]);
        }
        identity.SetScopes(request.GetScopes());
        identity.SetResources(await Audiences(http.RequestServices, options.Value, identity.GetScopes(), request.ClientId!));
        identity.SetDestinations(Destinations);

        activity?.SetTag("acr", session.AssuranceLevel);
        audit.RecordRelease("oidc", session.Upstream, request.ClientId, system.Id, session.Subject, session.UserName, released.Keys, session.AssuranceLevel);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictScheme);
    }

    // The scope manager and the accounts are resolved only where a grant needs them: a
    // client-credentials request then builds no database context at all.
    private static async Task<IResult> Token(HttpContext http, RegisteredClients clients, IOptions<IdpOptions> options, TimeProvider time, IdpMetrics metrics)
    {
        var request = http.GetOpenIddictServerRequest()
                      ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        using var activity = IdpTelemetry.Source.StartActivity("oidc.token");
        activity?.SetTag("client_id", request.ClientId);
        activity?.SetTag("grant_type", request.GrantType);

        // The feed is read live: a client removed a moment ago gets nothing even before the sync ran.
        var system = clients.Find(request.ClientId);
        if (system?.OidcClient is not { } client)
        {
            return Refuse(Errors.InvalidClient, "The client is not (or no longer) registered in the system register.");
        }

        if (request.IsClientCredentialsGrantType())
        {
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, "roles");
            identity.SetClaim(Claims.Subject, request.ClientId);
            // ClientScopes already refused anything the registration does not give (invalid_scope).
            identity.SetScopes(request.GetScopes());
            identity.SetResources(await Audiences(http.RequestServices, options.Value, identity.GetScopes(), request.ClientId!));
            // No destinations to set: the only claim is sub, which OpenIddict always puts in the
            // access token (destinations are stored as JSON per claim, a cost on every token).
            metrics.TokenIssued(GrantTypes.ClientCredentials, request.ClientId, request.ClientId);
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var principal = (await http.AuthenticateAsync(OpenIddictScheme)).Principal
                            ?? throw new InvalidOperationException("OpenIddict validated the grant but gave no principal.");
            var identity = (ClaimsIdentity)principal.Identity!;
            var refusal = await CurrentPersonAsync(http.RequestServices, system, identity, options.Value, time, request.IsRefreshTokenGrantType());
            if (refusal is not null)
            {
                return Refuse(Errors.InvalidGrant, refusal);
            }
            // Only scopes the registration still gives: a scope taken from the client since sign-in
            // is not carried on by its refresh tokens.
            var allowed = ClientScopes.Allowed(client);
            identity.SetScopes(identity.GetScopes().Where(allowed.Contains));
            identity.SetResources(await Audiences(http.RequestServices, options.Value, identity.GetScopes(), request.ClientId!));
            identity.SetDestinations(Destinations);
            metrics.TokenIssued(request.GrantType!, request.ClientId, identity.FindFirst(Claims.Subject)?.Value);
            return Results.SignIn(principal, properties: null, OpenIddictScheme);
        }

        if (request.IsTokenExchangeGrantType())
        {
            return await TokenExchange.ExchangeAsync(http, request, system);
        }

        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    /// <summary>
    /// Brings the person in a code or refresh token up to date, or says why no token is issued.
    /// Local accounts are reloaded (a removed role is gone from the next token; a deleted or locked
    /// account gets nothing); an upstream person keeps the attributes the upstream asserted at
    /// sign-in (they are not stored), but the linked account must still exist and not be locked.
    /// At refresh the register's access policy is applied again, and the absolute lifetime counts
    /// from the sign-in however often the token was rotated.
    /// </summary>
    private static async Task<string?> CurrentPersonAsync(
        IServiceProvider services, FeedSystem system, ClaimsIdentity identity, IdpOptions options, TimeProvider time, bool refresh)
    {
        var subject = identity.GetClaim(Claims.Subject)!;
        var upstream = identity.GetClaim(UpstreamClaim) ?? FederationIdentity.LocalUpstream;
        var acr = identity.GetClaim(AcrClaim) ?? identity.GetClaim(Claims.AuthenticationContextReference) ?? AssuranceLevel.Loa2.Name;
        var authenticatedAt = long.TryParse(identity.GetClaim(Claims.AuthenticationTime), CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : (DateTimeOffset?)null;
        var accounts = services.GetRequiredService<LocalAccounts>();

        if (upstream != FederationIdentity.LocalUpstream)
        {
            if (!await accounts.IsActiveAsync(subject))
            {
                return "The account no longer exists or is locked out.";
            }
            if (refresh)
            {
                var facts = new PersonFacts(subject,
                    identity.GetClaims(FactsRolesClaim).ToHashSet(StringComparer.Ordinal),
                    identity.GetClaims(FactsGroupsClaim).ToHashSet(StringComparer.Ordinal),
                    identity.GetClaims(FactsUnitsClaim).ToHashSet(StringComparer.Ordinal), acr);
                if (Refused(system, facts) is { } reason)
                {
                    return reason;
                }
            }
            // The release list may have shrunk since sign-in: keep only what it still lets through.
            ReleaseOnly(identity, system, name => identity.GetClaims(name));
        }
        else
        {
            var person = await accounts.CurrentAsync(subject, acr, [.. identity.GetClaims(MethodsClaim)], authenticatedAt ?? time.GetUtcNow());
            if (person is null)
            {
                return "The account no longer exists or is locked out.";
            }
            if (refresh && Refused(system, PersonFacts.From(subject, acr, person.ValuesOf)) is { } reason)
            {
                return reason;
            }
            // Released attributes from the account as it is now, by the release list as it is now.
            ReleaseOnly(identity, system, person.ValuesOf);
        }

        if (refresh)
        {
            if (authenticatedAt is not { } since)
            {
                return "The refresh token carries no sign-in time.";
            }
            var remaining = since + options.RefreshTokenAbsoluteLifetime - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return "The sign-in is too old: the person must sign in again.";
            }
            // Rotation slides the lifetime, but never past the absolute end.
            identity.SetRefreshTokenLifetime(remaining < options.RefreshTokenLifetime ? remaining : options.RefreshTokenLifetime);
        }
        return null;

        static string? Refused(FeedSystem system, PersonFacts facts)
        {
            var decision = AccessPolicy.Evaluate(system, facts);
            return decision.Outcome switch
            {
                AccessOutcome.Allowed => null,
                AccessOutcome.StepUp => $"The client now requires assurance level {decision.RequiredLevel}: the person must sign in again.",
                _ => decision.ReasonEnglish ?? "The register's access policy no longer allows this person.",
            };
        }
    }

    /// <summary>
    /// Replaces the identity's attribute claims with what the core's release filter lets through for
    /// the system now, values taken from <paramref name="valuesOf"/> (the account, or the claims as they were).
    /// </summary>
    private static void ReleaseOnly(ClaimsIdentity identity, FeedSystem system, Func<string, IReadOnlyList<string>> valuesOf)
    {
        var released = AttributeCatalog.Released(system.Release).Select(a => (a.ClaimType, Values: valuesOf(a.Name))).ToList();
        foreach (var claim in identity.Claims.Where(c => AttributeCatalog.Find(c.Type) is not null).ToList())
        {
            identity.RemoveClaim(claim);
        }
        foreach (var (claimType, values) in released)
        {
            AddReleased(identity, claimType, values);
        }
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

        // A hint got here only as an ID token of this idp (LogoutHint), and OpenIddict checked that
        // the post-logout URI belongs to the hinted client.
        var hint = (await http.AuthenticateAsync(OpenIddictScheme)).Principal;

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

        // A hint about someone else than the person signed in here is no request of theirs: they
        // may still sign out, but the client that asked is not sent their answer.
        var otherPerson = session is not null && hint?.GetClaim(Claims.Subject) is { } hinted && hinted != session.Subject;
        await FederationSession.SignOutAsync(http);
        if (otherPerson)
        {
            return Results.Redirect("/signed-out");
        }
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
        _ when PrivateClaims.Contains(claim.Type) => [],
        Claims.AuthenticationTime => [OpenIddictConstants.Destinations.IdentityToken],
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

    /// <summary>
    /// The authorize request as a local URL, to come back to after sign-in, the client's parameters
    /// unchanged; with <paramref name="freshMarker"/> when a new authentication was asked for.
    /// </summary>
    private static string ReturnUrl(HttpContext http, OpenIddictRequest request, string? freshMarker = null)
    {
        var parameters = request.GetParameters()
            .Where(p => p.Key != FreshSignIn.Parameter || freshMarker is null)
            .Select(p => new KeyValuePair<string, string?>(p.Key, (string?)p.Value));
        if (freshMarker is not null)
        {
            parameters = parameters.Append(new(FreshSignIn.Parameter, freshMarker));
        }
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
