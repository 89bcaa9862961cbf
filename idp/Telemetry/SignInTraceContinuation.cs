using Federation.Hosting;
using Federation.Idp.Oidc;
using Microsoft.AspNetCore.WebUtilities;

namespace Federation.Idp.Telemetry;

/// <summary>
/// The idp's side of <see cref="SignInTrace"/>: the authorize request of a client that started a
/// trace carries it as the <c>traceparent</c> parameter; the login pages keep that request as their
/// ReturnUrl. Authorize, login and MFA then run in a span continuing the client's trace (linked to
/// the request's own), so the sign-in's log lines and its event for the register are in that trace.
/// </summary>
public sealed class SignInTraceContinuation(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        using var activity = SignInTrace.Continue("sign-in " + context.Request.Path.Value, await FindAsync(context.Request));
        await next(context);
    }

    private static async Task<string?> FindAsync(HttpRequest request)
    {
        if (request.Path.StartsWithSegments(ProtocolPaths.Authorization))
        {
            return request.Query[SignInTrace.Parameter].ToString();
        }
        if (!IsSignInPage(request.Path))
        {
            return null;
        }
        var returnUrl = request.Query["ReturnUrl"].ToString();
        if (returnUrl.Length == 0 && HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            returnUrl = (await request.ReadFormAsync(request.HttpContext.RequestAborted))["ReturnUrl"].ToString();
        }
        var query = returnUrl.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? null : QueryHelpers.ParseQuery(returnUrl[query..]).GetValueOrDefault(SignInTrace.Parameter).ToString();
    }

    private static bool IsSignInPage(PathString path) =>
        path.StartsWithSegments("/login") || path.StartsWithSegments("/mfa") || path.StartsWithSegments("/denied");
}
