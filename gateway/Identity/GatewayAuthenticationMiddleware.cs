using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Identity;

/// <summary>
/// The framework's authentication middleware, except that the OpenID Connect handler is asked to
/// handle a request only on its own paths (callback, signed-out callback, remote sign-out). The
/// framework creates the handler on every request just to compare the path; on a proxied request
/// that was a few KB and several microseconds for nothing. Every other request is authenticated
/// with the default scheme exactly as the framework does it. If any other scheme that handles
/// requests of its own is ever registered, every request goes to the framework's middleware.
/// </summary>
public sealed class GatewayAuthenticationMiddleware(
    RequestDelegate next,
    IAuthenticationSchemeProvider schemes,
    IOptionsMonitor<OpenIdConnectOptions> oidc)
{
    private readonly AuthenticationMiddleware _framework = new(next, schemes);
    private bool? _onlyOpenIdConnect;

    public async Task InvokeAsync(HttpContext context)
    {
        _onlyOpenIdConnect ??= (await schemes.GetRequestHandlerSchemesAsync())
            .All(s => s.Name == OpenIdConnectDefaults.AuthenticationScheme);
        var options = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
        var path = context.Request.Path;
        if (_onlyOpenIdConnect != true
            || path == options.CallbackPath || path == options.SignedOutCallbackPath || path == options.RemoteSignOutPath)
        {
            await _framework.Invoke(context);
            return;
        }

        context.Features.Set<IAuthenticationFeature>(new AuthenticationFeature
        {
            OriginalPath = context.Request.Path,
            OriginalPathBase = context.Request.PathBase,
        });
        if (await schemes.GetDefaultAuthenticateSchemeAsync() is { } scheme)
        {
            var result = await context.AuthenticateAsync(scheme.Name);
            if (result.Principal is not null)
            {
                context.User = result.Principal;
            }
            if (result.Succeeded)
            {
                // Authorization reads the result from here instead of authenticating again.
                var authenticated = new AuthenticatedRequest(result);
                context.Features.Set<IHttpAuthenticationFeature>(authenticated);
                context.Features.Set<IAuthenticateResultFeature>(authenticated);
            }
        }
        await next(context);
    }

    /// <summary>
    /// As the framework's own feature: setting the user drops the stored result, so authorization
    /// judges whoever is the user then (a later step may take the person away), not a stale success.
    /// </summary>
    private sealed class AuthenticatedRequest(AuthenticateResult result) : IHttpAuthenticationFeature, IAuthenticateResultFeature
    {
        private AuthenticateResult? _result = result;
        private System.Security.Claims.ClaimsPrincipal? _user = result.Principal;

        public AuthenticateResult? AuthenticateResult
        {
            get => _result;
            set
            {
                _result = value;
                _user = value?.Principal;
            }
        }

        public System.Security.Claims.ClaimsPrincipal? User
        {
            get => _user;
            set
            {
                _user = value;
                _result = null;
            }
        }
    }
}
