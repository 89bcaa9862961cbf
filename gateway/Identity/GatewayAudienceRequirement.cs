using Microsoft.AspNetCore.Authorization;

namespace Federation.Gateway.Identity;

/// <summary>
/// The <see cref="GatewayAuthentication.GatewayAudiencePolicy"/> rule. People with a session and
/// anonymous visitors pass (the portal greets both); a request with a bearer token passes only when
/// the token is issued for the gateway, not merely for one of the backends it routes to.
/// </summary>
public sealed class GatewayAudienceRequirement(GatewayIdentityOptions options)
    : AuthorizationHandler<GatewayAudienceRequirement, HttpContext>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, GatewayAudienceRequirement requirement, HttpContext resource)
    {
        if (!GatewayAuthentication.IsBearer(resource.Request)
            || context.User.Identity?.IsAuthenticated != true
            || GatewayAuthentication.IsIssuedForGateway(context.User, options))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, "The access token is not issued for the gateway."));
        }
        return Task.CompletedTask;
    }
}
