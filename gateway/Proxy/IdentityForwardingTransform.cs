using System.Globalization;
using System.Security.Claims;
using Federation.Core.Access;
using Federation.Core.Attributes;
using Federation.Core.Feed;
using Federation.Gateway.Forwarding;
using Federation.Gateway.Routing;
using Microsoft.Net.Http.Headers;
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
            // Every client X-Federation-* header is gone, so these are exactly the ones the backend gets.
            foreach (var (name, value) in identity.User.SignedHeaders(identity.System, signer, time.GetUtcNow()))
            {
                headers.TryAddWithoutValidation(name, value);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The released attributes the user has, as header name and encoded value, with the system and
    /// the timestamp (not yet the signature). <see cref="Identity.UserFacts"/> calls this once per user,
    /// system and second.
    /// </summary>
    public static List<KeyValuePair<string, string>> BuildHeaders(FeedSystem system, ClaimsPrincipal user, DateTimeOffset now)
    {
        var result = new List<KeyValuePair<string, string>>(system.Release.Count + 2)
        {
            new(FederationHeaders.System, system.Id),
            new(FederationHeaders.Timestamp, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        foreach (var attribute in AttributeCatalog.Released(system.Release))
        {
            var values = attribute.IsMultiValued
                ? PersonFacts.Values(user, attribute.Name == "roles" ? ["roles", "role"] : [attribute.ClaimType]).Order(StringComparer.Ordinal).ToList()
                : user.FindAll(attribute.ClaimType).Select(c => c.Value).ToList();
            if (values.Count > 0)
            {
                result.Add(new(attribute.HeaderName, FederationHeaders.EncodeValues(values)));
            }
        }
        return result;
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

    private static bool IsGatewayCookie(ReadOnlySpan<char> cookie) =>
        cookie.StartsWith(Identity.GatewayAuthentication.CookieName, StringComparison.Ordinal)
        || cookie.StartsWith(".AspNetCore.", StringComparison.Ordinal)
        || cookie.StartsWith(SystemGateMiddleware.NoticeCookiePrefix, StringComparison.Ordinal);
}
