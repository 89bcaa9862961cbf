using Federation.Gateway.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Federation.Gateway.Pages;

/// <summary>
/// Answers a failed <see cref="GatewayAuthentication.GatewayAudiencePolicy"/> the way the proxy answers
/// a token for another system (401 <c>invalid_token</c>, reason <c>audience</c>), instead of the
/// framework's bare 403. Every other authorization result is left to the framework.
/// </summary>
public sealed class GatewayAudienceRefusal : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _framework = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        authorizeResult.Forbidden
        && authorizeResult.AuthorizationFailure?.FailureReasons.Any(r => r.Handler is GatewayAudienceRequirement) == true
            ? GatewayResponses.WriteTokenForAnotherAudienceAsync(context, systemId: null)
            : _framework.HandleAsync(next, context, policy, authorizeResult);
}
