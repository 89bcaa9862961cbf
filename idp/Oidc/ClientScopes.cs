using Federation.Core.Feed;
using Federation.Core.Integration;
using Federation.Idp.Clients;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Federation.Idp.Oidc;

/// <summary>
/// The scopes a client may be given, read from its live registration in the feed: every grant
/// (authorization code, refresh, client credentials) issues only these. A scope the idp knows but
/// this client was not registered for is <c>invalid_scope</c> (RFC 6749 3.3, 4.4.2, 5.2), at the
/// authorize endpoint (ProtocolEndpoints.Authorize, so the error goes back to the client) and the
/// token endpoint alike.
/// </summary>
public static class ClientScopes
{
    public static IReadOnlySet<string> Allowed(FeedOidcClient client)
    {
        var allowed = new HashSet<string>(client.Scopes, StringComparer.Ordinal);
        if (client.GrantTypes.Contains(GrantTypes.AuthorizationCode))
        {
            allowed.Add(Scopes.OpenId);
            allowed.UnionWith(ClientSync.StandardScopes);
        }
        if (client.GrantTypes.Contains(GrantTypes.RefreshToken))
        {
            allowed.Add(Scopes.OfflineAccess);
        }
        // The idp's own scopes to the register, even if a registration names them (the register refuses that).
        allowed.ExceptWith(IntegrationRules.IdpOnlyScopes);
        return allowed;
    }

    /// <summary>Scopes asked for that the client's registration does not give it.</summary>
    public static IEnumerable<string> NotAllowed(FeedSystem? system, IEnumerable<string> requested)
    {
        var allowed = system?.OidcClient is { } client ? Allowed(client) : new HashSet<string>();
        return requested.Where(s => !allowed.Contains(s));
    }

    public static string Description(IEnumerable<string> refused) => "The client is not registered for the scope(s): " + string.Join(' ', refused);

    /// <summary>Token endpoint, after client authentication, before OpenIddict's own permission check.</summary>
    public sealed class CheckTokenRequest(RegisteredClients clients) : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
                .UseSingletonHandler<CheckTokenRequest>()
                .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            var refused = NotAllowed(clients.Find(context.ClientId), context.Request.GetScopes()).ToList();
            if (refused.Count > 0)
            {
                context.Reject(Errors.InvalidScope, Description(refused));
            }
            return default;
        }
    }
}
