using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Federation.Idp.Oidc;

/// <summary>
/// At the end-session endpoint OpenIddict validates an <c>id_token_hint</c> but, by default,
/// ignores one that fails (it is "only a hint"). Here a hint that is sent must be an ID token this
/// idp issued (signature, issuer, type; expiry is not required, RP-Initiated Logout 1.0 section 2),
/// else the request is refused: a forged or malformed hint must not steer a sign-out.
/// </summary>
public sealed class LogoutHint : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseSingletonHandler<LogoutHint>()
            .SetOrder(OpenIddictServerHandlers.EvaluateValidatedTokens.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (context.EndpointType == OpenIddictServerEndpointType.EndSession && !string.IsNullOrEmpty(context.Request?.IdTokenHint))
        {
            context.RejectIdentityToken = true;
        }
        return default;
    }
}
