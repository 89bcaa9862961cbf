using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Federation.Idp.Oidc;

/// <summary>
/// A second redemption of an authorization code, or a reused refresh token, means someone else
/// has it: besides refusing it (OpenIddict does, and revokes the stored tokens), the whole
/// authorization is revoked, so the access tokens already issued from it (not stored, but naming
/// the authorization) are refused at introspection and userinfo too (RFC 6749 4.1.2, 10.4).
/// </summary>
public sealed class GrantReuse(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations)
    : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseScopedHandler<GrantReuse>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order - 100)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        // Only a redemption counts: introspecting or revoking a used token is no reuse.
        if (context.EndpointType != OpenIddictServerEndpointType.Token
            || context.Principal is not { } principal
            || !(principal.HasTokenType(TokenTypeIdentifiers.Private.AuthorizationCode) || principal.HasTokenType(TokenTypeIdentifiers.RefreshToken))
            || principal.GetTokenId() is not { Length: > 0 } tokenId
            || await tokens.FindByIdAsync(tokenId, context.CancellationToken) is not { } token
            || !await tokens.HasStatusAsync(token, Statuses.Redeemed, context.CancellationToken)
            || await tokens.GetAuthorizationIdAsync(token, context.CancellationToken) is not { Length: > 0 } authorizationId
            || await authorizations.FindByIdAsync(authorizationId, context.CancellationToken) is not { } authorization)
        {
            return;
        }
        await authorizations.TryRevokeAsync(authorization, context.CancellationToken);
    }
}
