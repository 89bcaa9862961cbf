using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Federation.Core.Access;
using Federation.Core.Attributes;
using Federation.Core.Feed;
using Federation.Idp.Audit;
using Federation.Idp.Identity;
using Federation.Idp.Telemetry;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Federation.Idp.Oidc;

/// <summary>Which client is the gateway (section <c>Idp:TokenExchange</c>).</summary>
public sealed class TokenExchangeOptions
{
    public const string Section = "Idp:TokenExchange";

    /// <summary>The gateway's OIDC client: the only one that may exchange, and only for the gateway's backends.</summary>
    [Required]
    public string GatewayClientId { get; set; } = "federation-gateway";
}

/// <summary>
/// Per-system release through the gateway (RFC 8693 token exchange, OpenIddict's own support).
/// The gateway's sign-in is released only what its access decision needs; for each backend it
/// exchanges the session's refresh token for a short-lived access token whose audience is that
/// system and whose claims are exactly that system's release list.
/// <para>
/// Where the attributes come from: at the gateway's authorize step the person's releasable
/// attributes are copied into private claims (<see cref="PersonClaimPrefix"/>) that have no
/// destination, so they travel only inside the gateway's authorization code and refresh token
/// (stored and encrypted by the idp, unreadable to the gateway) and never in an ID token, access
/// token or userinfo. An upstream (SAML/OIDC) person has no stored attributes, so an account
/// lookup could not serve them; the sign-in's own copy can.
/// </para>
/// <para>
/// Why the refresh token is the subject token: the gateway's access token lives minutes and its
/// session hours, and refreshing a rotating refresh token from concurrent requests would trip the
/// reuse detection. Exchanging does not redeem the refresh token; OpenIddict checks that it is
/// stored, not revoked and presented by the client it was issued to.
/// </para>
/// </summary>
public static class TokenExchange
{
    /// <summary>Private claim types: one per releasable attribute, e.g. <c>fed_person:personnummer</c>.</summary>
    public const string PersonClaimPrefix = "fed_person:";

    private const string OpenIddictScheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static IHostApplicationBuilder AddTokenExchange(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TokenExchangeOptions>()
            .BindConfiguration(TokenExchangeOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }

    /// <summary>Turns on the grant: refresh tokens as the only subject, access tokens as the only result.</summary>
    public static OpenIddictServerBuilder EnableTokenExchange(this OpenIddictServerBuilder server)
    {
        server.AllowTokenExchangeFlow();
        server.Configure(o =>
        {
            // An access token (an exchanged one included) is never a subject: nothing can be chained.
            o.SubjectTokenTypes.Add(TokenTypeIdentifiers.RefreshToken);
            o.RequestedTokenTypes.Add(TokenTypeIdentifiers.AccessToken);
        });
        // OpenIddict's audience list and aud: permissions are static; the backends come from the
        // feed, so Exchange() checks the audience against it instead. Only this grant uses audiences.
        server.DisableAudienceValidation();
        server.IgnoreAudiencePermissions();

        server.AddEventHandler<ProcessSignInContext>(handler => handler
            .UseScopedHandler<CopyPersonForGateway>()
            .SetOrder(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order - 2)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ProcessSignInContext>(handler => handler
            .UseSingletonHandler<KeepPersonClaimsPrivate>()
            .SetOrder(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        return server;
    }

    /// <summary>The token grant permission for the gateway's client only (called by <see cref="Clients.ClientSync"/>).</summary>
    public static bool MayExchange(string clientId, bool confidential, TokenExchangeOptions options) =>
        confidential && string.Equals(clientId, options.GatewayClientId, StringComparison.Ordinal);

    /// <summary>
    /// The token endpoint's answer to a token exchange request that OpenIddict has validated
    /// (client authenticated, refresh token valid and presented by its own client).
    /// </summary>
    public static async Task<IResult> ExchangeAsync(HttpContext http, OpenIddictRequest request, FeedSystem client)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<TokenExchangeOptions>>().Value;
        if (!MayExchange(request.ClientId!, confidential: true, options))
        {
            return Refuse(Errors.UnauthorizedClient, "Only the gateway may exchange tokens.");
        }
        var subject = (await http.AuthenticateAsync(OpenIddictScheme)).Principal;
        if (subject?.GetClaim(Claims.Subject) is not { Length: > 0 } sub || subject.GetClaim(PersonClaimPrefix + "acr") is null)
        {
            // A refresh token from before this grant existed carries no copy of the person.
            return Refuse(Errors.InvalidGrant, "The subject token carries no sign-in of a person; sign in again.");
        }

        var audiences = request.GetAudiences();
        var feed = http.RequestServices.GetRequiredService<IFederationFeedSource>().Current;
        var system = audiences.Length == 1
            ? feed?.Systems.FirstOrDefault(s => s.Backend is not null && string.Equals(s.Id, audiences[0], StringComparison.Ordinal))
            : null;
        if (system is null)
        {
            return Refuse(Errors.InvalidTarget, "The audience must be exactly one system the gateway forwards to.");
        }

        if (subject.GetClaim(PersonClaimPrefix + "upstream") is null or FederationIdentity.LocalUpstream
            && !await http.RequestServices.GetRequiredService<LocalAccounts>().IsActiveAsync(sub))
        {
            return Refuse(Errors.InvalidGrant, "The account no longer exists or is locked out.");
        }

        IReadOnlyList<string> ValuesOf(string attribute) => subject.GetClaims(PersonClaimPrefix + attribute);
        var acr = ValuesOf("acr");
        var decision = AccessPolicy.Evaluate(system, PersonFacts.From(sub, acr.Count > 0 ? acr[0] : null, ValuesOf));
        if (decision.Outcome != AccessOutcome.Allowed)
        {
            return Refuse(Errors.AccessDenied, decision.ReasonEnglish ?? "The register's access policy does not allow this person.");
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, "roles");
        identity.SetClaim(Claims.Subject, sub);
        var released = new List<string>();
        foreach (var attribute in AttributeCatalog.Released(system.Release))
        {
            var values = ValuesOf(attribute.Name);
            foreach (var value in values)
            {
                identity.AddClaim(new Claim(attribute.ClaimType, value));
            }
            if (values.Count > 0)
            {
                released.Add(attribute.Name);
            }
        }
        // The backend receives these through the gateway: a release to that system, as a sign-in would be.
        http.RequestServices.GetRequiredService<SignInAudit>().RecordRelease("oidc", subject.GetClaim(PersonClaimPrefix + "upstream"),
            request.ClientId, system.Id, sub, userName: null, released, acr.Count > 0 ? acr[0] : null);
        // The backend validates its own audience; a headers backend is known by its id.
        identity.SetAudiences(system.Backend!.Audience ?? system.Id);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        http.RequestServices.GetRequiredService<IdpMetrics>().TokenIssued(GrantTypes.TokenExchange, client.OidcClient?.ClientId, identity.FindFirst(Claims.Subject)?.Value);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictScheme);
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictScheme]);

    /// <summary>
    /// At the gateway's authorize step: copies the signed-in person's releasable attributes into
    /// private claims, for the refresh token to carry to <see cref="ExchangeAsync"/>.
    /// </summary>
    public sealed class CopyPersonForGateway(IOptions<TokenExchangeOptions> options) : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public async ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.EndpointType != OpenIddictServerEndpointType.Authorization
                || !string.Equals(context.ClientId, options.Value.GatewayClientId, StringComparison.Ordinal)
                || context.Transaction.GetHttpRequest()?.HttpContext is not { } http
                || await FederationSession.GetAsync(http) is not { } person
                || context.Principal?.Identity is not ClaimsIdentity identity)
            {
                return;
            }
            foreach (var attribute in AttributeCatalog.All)
            {
                foreach (var value in person.ValuesOf(attribute.Name))
                {
                    identity.AddClaim(new Claim(PersonClaimPrefix + attribute.Name, value));
                }
            }
            identity.AddClaim(new Claim(PersonClaimPrefix + "upstream", person.Upstream));
        }
    }

    /// <summary>
    /// Whatever set destinations before (the code and refresh grants give every claim one), the
    /// person's copy never reaches an ID token or access token: one rule for every grant.
    /// </summary>
    public sealed class KeepPersonClaimsPrivate : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public ValueTask HandleAsync(ProcessSignInContext context)
        {
            foreach (var claim in context.Principal?.Claims ?? [])
            {
                if (claim.Type.StartsWith(PersonClaimPrefix, StringComparison.Ordinal))
                {
                    claim.SetDestinations([]);
                }
            }
            return default;
        }
    }
}
