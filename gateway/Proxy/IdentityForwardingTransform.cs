using System.Globalization;
using Federation.Gateway.Forwarding;
using Federation.Gateway.Routing;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Federation.Gateway.Proxy;

/// <summary>
/// What the backend receives about the user: nothing the client claimed itself (every
/// <c>X-Federation-*</c> header, the bearer token and the gateway's cookies are removed), then
/// either signed headers with exactly the system's release list, or an access token issued for
/// the backend's audience.
/// </summary>
public sealed class IdentityForwardingTransform(IdentitySigning signing, TimeProvider time) : ITransformProvider
{
    private const string ForwardedPrefix = "X-Forwarded-Prefix";

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Route.Metadata?.ContainsKey(FeedRouteMap.SystemMetadataKey) != true)
        {
            return;
        }
        // The default X-Forwarded-Prefix would overwrite ours with an empty PathBase.
        context.UseDefaultForwarders = false;
        context.AddXForwardedFor();
        context.AddXForwardedProto();
        context.AddXForwardedHost();
        var prefix = context.Route.Match.Path![..context.Route.Match.Path!.IndexOf("/{", StringComparison.Ordinal)];
        context.AddRequestTransform(transform => Forward(transform, prefix));
        context.AddResponseTransform(DropGatewayCookies);
    }

    private ValueTask Forward(RequestTransformContext transform, string prefix)
    {
        var headers = transform.ProxyRequest.Headers;
        RemoveClientIdentity(transform.HttpContext.Request, transform.ProxyRequest);
        headers.TryAddWithoutValidation(ForwardedPrefix, prefix);

        if (transform.HttpContext.Features.Get<ForwardedIdentity>() is not { } identity)
        {
            return ValueTask.CompletedTask;
        }
        if (identity.AccessToken is { } token)
        {
            headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            return ValueTask.CompletedTask;
        }
        if (signing.For(identity.System.Id) is { } signer)
        {
            AddSignedHeaders(transform, identity, signer);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The released attributes plus system, timestamp and nonce, signed over this request's method
    /// and exact target. The target is fixed here (what YARP would build next) so the signed one is
    /// the one sent. Every client X-Federation-* header is gone, so these are exactly the ones the
    /// backend gets.
    /// </summary>
    private void AddSignedHeaders(RequestTransformContext transform, ForwardedIdentity identity, IdentityHeaderSigner signer)
    {
        var uri = RequestUtilities.MakeDestinationAddress(transform.DestinationPrefix, transform.Path, transform.Query.QueryString);
        transform.ProxyRequest.RequestUri = uri;
        var released = identity.User.ReleasedHeaders(identity.System);
        var signed = new List<KeyValuePair<string, string>>(released.Count + 4)
        {
            new(FederationHeaders.System, identity.System.Id),
            new(FederationHeaders.Timestamp, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new(FederationHeaders.Nonce, IdentityHeaderSigner.NewNonce()),
        };
        signed.AddRange(released);
        signed.Add(new(FederationHeaders.Signature, signer.Sign(transform.ProxyRequest.Method.Method, uri.PathAndQuery, signed)));
        var headers = transform.ProxyRequest.Headers;
        foreach (var (name, value) in signed)
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>
    /// A backend shares the gateway's origin, so a <c>Set-Cookie</c> for one of the gateway's own
    /// cookies (the session, sign-in correlation, notices) would overwrite or fixate it: dropped.
    /// The backend's other cookies pass.
    /// </summary>
    private static ValueTask DropGatewayCookies(ResponseTransformContext context)
    {
        if (context.ProxyResponse is null
            || !context.HttpContext.Response.Headers.TryGetValue(HeaderNames.SetCookie, out var cookies))
        {
            return ValueTask.CompletedTask;
        }
        var kept = cookies.Where(c => c is not null && !IsGatewayCookie(c.AsSpan().TrimStart()) && !IsNameless(c)).ToArray();
        if (kept.Length != cookies.Count)
        {
            context.HttpContext.Response.Headers.SetCookie = kept;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Looks at the client's request (cheap to scan) and removes from the outgoing request only
    /// what is there: identity headers, the bearer token and the gateway's own cookies.
    /// </summary>
    private static void RemoveClientIdentity(HttpRequest incoming, HttpRequestMessage outgoing)
    {
        // Enumerating the headers, not .Keys: Kestrel builds a new set for every .Keys call.
        foreach (var (name, _) in incoming.Headers)
        {
            if (FederationHeaders.IsFederationHeader(name))
            {
                outgoing.Headers.Remove(name);
                outgoing.Content?.Headers.Remove(name);
            }
        }
        outgoing.Headers.Remove(ForwardedPrefix);
        // The user's token for the gateway is not the backend's business (nor replayable by it).
        if (incoming.Headers.ContainsKey(HeaderNames.Authorization))
        {
            outgoing.Headers.Remove(HeaderNames.Authorization);
        }
        if (incoming.Headers.ContainsKey(HeaderNames.Cookie) && outgoing.Headers.TryGetValues(HeaderNames.Cookie, out var cookies))
        {
            var kept = WithoutGatewayCookies(cookies);
            outgoing.Headers.Remove(HeaderNames.Cookie);
            if (kept is not null)
            {
                outgoing.Headers.TryAddWithoutValidation(HeaderNames.Cookie, kept);
            }
        }
    }

    /// <summary>The backend's own cookies, <c>; </c>-separated; null if only the gateway's were sent.</summary>
    private static string? WithoutGatewayCookies(IEnumerable<string> headerValues)
    {
        // Scanned in place: a session cookie is several KB, and usually the only one.
        System.Text.StringBuilder? kept = null;
        foreach (var header in headerValues)
        {
            foreach (var range in header.AsSpan().Split(';'))
            {
                var cookie = header.AsSpan(range).Trim();
                if (cookie.IsEmpty || IsGatewayCookie(cookie))
                {
                    continue;
                }
                kept = kept is null ? new System.Text.StringBuilder() : kept.Append("; ");
                kept.Append(cookie);
            }
        }
        return kept?.ToString();
    }

    /// <summary>
    /// <c>Set-Cookie: =federation.session=…</c> (or no <c>=</c> at all) makes a cookie without a name,
    /// which browsers send as its bare value: <c>federation.session=…</c>. No backend needs one.
    /// </summary>
    private static bool IsNameless(string setCookie)
    {
        var pair = setCookie.AsSpan();
        var end = pair.IndexOf(';');
        pair = (end < 0 ? pair : pair[..end]).Trim();
        var equals = pair.IndexOf('=');
        return equals < 0 || pair[..equals].Trim().IsEmpty;
    }

    // Any case: the framework's cookie reader ignores it, so FEDERATION.SESSION set by a backend
    // (a separate cookie to the browser) would be read as the session.
    private static bool IsGatewayCookie(ReadOnlySpan<char> cookie) =>
        cookie.StartsWith(Identity.GatewayAuthentication.CookieName, StringComparison.OrdinalIgnoreCase)
        || cookie.StartsWith(".AspNetCore.", StringComparison.OrdinalIgnoreCase)
        || cookie.StartsWith(SystemGateMiddleware.NoticeCookiePrefix, StringComparison.OrdinalIgnoreCase);
}
