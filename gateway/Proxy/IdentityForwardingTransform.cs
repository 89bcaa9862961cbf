using System.Globalization;
using System.Security.Claims;
using Federation.Feed;
using Federation.Gateway.Forwarding;
using Federation.Gateway.Policy;
using Federation.Gateway.Routing;
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

    /// <summary>Attributes that can hold several values; others are forwarded as the claims give them.</summary>
    private static readonly HashSet<string> ListAttributes = ["roles", "groups", "school_units", "affiliation"];

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
        RemoveClientIdentity(transform.ProxyRequest);
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
            foreach (var (name, value) in BuildHeaders(identity.System, transform.HttpContext.User, time.GetUtcNow()))
            {
                headers.TryAddWithoutValidation(name, value);
            }
            // Signature appended after the others so that it covers all of them.
            var signed = headers.Where(h => FederationHeaders.IsFederationHeader(h.Key))
                .Select(h => new KeyValuePair<string, string>(h.Key, h.Value.First()));
            headers.TryAddWithoutValidation(FederationHeaders.Signature, signer.Sign(signed.ToList()));
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>The released attributes the user has, as header name and encoded value. Public for tests.</summary>
    public static List<KeyValuePair<string, string>> BuildHeaders(FeedSystem system, ClaimsPrincipal user, DateTimeOffset now)
    {
        var result = new List<KeyValuePair<string, string>>
        {
            new(FederationHeaders.System, system.Id),
            new(FederationHeaders.Timestamp, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        foreach (var attribute in system.Release.Distinct(StringComparer.Ordinal))
        {
            if (AttributeCatalog.Find(attribute) is null)
            {
                continue;
            }
            IEnumerable<string> values = ListAttributes.Contains(attribute)
                ? UserAttributes.Values(user, attribute == "roles" ? ["roles", "role"] : [attribute]).Order(StringComparer.Ordinal)
                : user.FindAll(attribute).Select(c => c.Value);
            var list = values.ToList();
            if (list.Count > 0)
            {
                result.Add(new(FederationHeaders.ForAttribute(attribute), FederationHeaders.EncodeValues(list)));
            }
        }
        return result;
    }

    private static void RemoveClientIdentity(HttpRequestMessage request)
    {
        var headers = request.Headers;
        foreach (var name in headers.Select(h => h.Key).Where(FederationHeaders.IsFederationHeader).ToList())
        {
            headers.Remove(name);
        }
        if (request.Content is { } content)
        {
            foreach (var name in content.Headers.Select(h => h.Key).Where(FederationHeaders.IsFederationHeader).ToList())
            {
                content.Headers.Remove(name);
            }
        }
        headers.Remove(ForwardedPrefix);
        // The user's token for the gateway is not the backend's business (nor replayable by it).
        headers.Remove("Authorization");
        if (headers.TryGetValues("Cookie", out var cookies))
        {
            var kept = cookies
                .SelectMany(c => c.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .Where(c => !IsGatewayCookie(c))
                .ToList();
            headers.Remove("Cookie");
            if (kept.Count > 0)
            {
                headers.TryAddWithoutValidation("Cookie", string.Join("; ", kept));
            }
        }
    }

    private static bool IsGatewayCookie(string cookie) =>
        cookie.StartsWith(Identity.GatewayAuthentication.CookieName, StringComparison.Ordinal)
        || cookie.StartsWith(".AspNetCore.", StringComparison.Ordinal)
        || cookie.StartsWith(SystemGateMiddleware.NoticeCookiePrefix, StringComparison.Ordinal);
}
