using System.Globalization;
using Federation.Core.Http;
using Federation.Gateway.Telemetry;
using Federation.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Identity;

/// <summary>
/// The gateway's side of <see cref="SignInTrace"/>: a sign-in is one trace from the request that
/// sent the person to the idp to the first request after it that reaches the system.
/// <list type="number">
/// <item>The challenge puts the request's trace context in the authentication properties (inside
/// the protected OIDC <c>state</c>) and in the authorize request, for the idp.</item>
/// <item>The callback (<c>/signin-oidc</c>) runs in a span continuing it, so the code redemption at
/// the idp's token endpoint and the userinfo call join the trace.</item>
/// <item>The callback leaves the context in a short-lived cookie for the return URL; the first
/// request that brings it back continues the trace to the backend, and the cookie is deleted.</item>
/// </list>
/// </summary>
public sealed partial class SignInTracing(RequestDelegate next, IOptionsMonitor<OpenIdConnectOptions> oidc)
{
    /// <summary>Holds a trace context only (no identity, nothing secret), for one request after sign-in.</summary>
    public const string CookieName = "federation.signin-trace";

    private static readonly TimeSpan CookieLifetime = TimeSpan.FromMinutes(2);

    public async Task InvokeAsync(HttpContext context)
    {
        string? traceparent = null;
        var name = "";
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType
            && oidc.Get(OpenIdConnectDefaults.AuthenticationScheme) is var options && context.Request.Path == options.CallbackPath)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            // The same state the handler reads next; only our own item is taken from it.
            if (options.StateDataFormat.Unprotect(form["state"].ToString()) is { } properties)
            {
                properties.Items.TryGetValue(SignInTrace.Parameter, out traceparent);
            }
            name = "sign-in callback";
        }
        else if (CookieHeader.Find(context.Request, CookieName) is { } fromCookie)
        {
            context.Response.Cookies.Delete(CookieName);
            traceparent = fromCookie;
            name = "sign-in return";
        }
        using var activity = SignInTrace.Continue(name, traceparent);
        await next(context);
    }

    /// <summary>Challenge: the context goes into the state and to the idp.</summary>
    public static void OnRedirectToIdentityProvider(RedirectContext context)
    {
        if (SignInTrace.Current() is { } traceparent)
        {
            context.Properties.Items[SignInTrace.Parameter] = traceparent;
            context.ProtocolMessage.SetParameter(SignInTrace.Parameter, traceparent);
        }
    }

    /// <summary>Challenge: which system the person is going to and when they left, for the sign-in metrics.</summary>
    public static void Started(AuthenticationProperties properties, string system, TimeProvider time)
    {
        properties.Items[SystemItem] = system;
        properties.Items[StartedItem] = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Callback done: count and log the completed sign-in and hand the context to the return request.</summary>
    public static void OnTicketReceived(TicketReceivedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var system = Record(services, context.Properties, "success");
        LogSignInCompleted(services.GetRequiredService<ILogger<SignInTracing>>(),
            context.Principal?.FindFirst("sub")?.Value ?? "unknown", system, context.Principal?.FindFirst("acr")?.Value);
        if (SignInTrace.Current() is { } traceparent)
        {
            context.Response.Cookies.Append(CookieName, traceparent, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                MaxAge = CookieLifetime,
                Path = "/",
            });
        }
    }

    /// <summary>The idp sent an error (e.g. <c>access_denied</c>) or the callback failed.</summary>
    public static void OnRemoteFailure(RemoteFailureContext context)
    {
        var services = context.HttpContext.RequestServices;
        var outcome = context.Failure?.Data["error"] as string ?? "error";
        var system = Record(services, context.Properties, outcome);
        LogSignInFailed(services.GetRequiredService<ILogger<SignInTracing>>(), system, outcome, context.Failure?.Message);
    }

    private static string Record(IServiceProvider services, AuthenticationProperties? properties, string outcome)
    {
        string? system = null, startedAt = null;
        properties?.Items.TryGetValue(SystemItem, out system);
        properties?.Items.TryGetValue(StartedItem, out startedAt);
        system ??= "none";
        TimeSpan? elapsed = long.TryParse(startedAt, CultureInfo.InvariantCulture, out var started)
            ? services.GetRequiredService<TimeProvider>().GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(started)
            : null;
        services.GetRequiredService<GatewayMetrics>().RecordSignIn(system, outcome, elapsed);
        return system;
    }

    private const string SystemItem = "federation.system";
    private const string StartedItem = "federation.started";

    // Subject only: never a name, personnummer or token in the log.
    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in completed for subject {Subject} on the way to {System} at {AssuranceLevel}")]
    private static partial void LogSignInCompleted(ILogger logger, string subject, string system, string? assuranceLevel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in on the way to {System} failed: {Outcome} ({Reason})")]
    private static partial void LogSignInFailed(ILogger logger, string system, string outcome, string? reason);
}
