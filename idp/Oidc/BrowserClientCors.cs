using Federation.Core.Feed;
using Federation.Idp.Clients;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Federation.Idp.Oidc;

/// <summary>
/// Browser-based public clients (the register's Scalar page, single-page apps) redeem their code
/// from JavaScript, so the token endpoint must answer their origin. Only origins of redirect URIs
/// that the register lists for public clients are allowed; nothing is configured here twice.
/// </summary>
public static class BrowserClientCors
{
    private static readonly PathString[] BrowserEndpoints =
        [ProtocolPaths.Token, ProtocolPaths.Revocation, ProtocolPaths.UserInfo, ProtocolPaths.WellKnown];

    public static IServiceCollection AddBrowserClientCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddSingleton<ICorsPolicyProvider, RegisteredPublicClientOrigins>();
        return services;
    }

    /// <summary>True when a public client that may get tokens has a redirect URI on <paramref name="origin"/>.</summary>
    public static bool IsRegisteredPublicOrigin(FederationFeed? feed, string origin) =>
        feed is not null
        && Uri.TryCreate(origin, UriKind.Absolute, out var asked)
        && feed.Systems.Any(s => s.OidcClient is { } client
            && string.IsNullOrEmpty(client.ClientSecretHash)
            && ClientSync.GetsTokens(s)
            && client.RedirectUris.Any(r => Uri.TryCreate(r, UriKind.Absolute, out var uri)
                && Uri.Compare(uri, asked, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0));

    private sealed class RegisteredPublicClientOrigins(IFederationFeedSource feed) : ICorsPolicyProvider
    {
        public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
        {
            var origin = context.Request.Headers.Origin.ToString();
            if (origin.Length == 0
                || !BrowserEndpoints.Any(p => context.Request.Path.StartsWithSegments(p))
                || !IsRegisteredPublicOrigin(feed.Current, origin))
            {
                return Task.FromResult<CorsPolicy?>(null); // no CORS headers: the browser keeps the answer from the page
            }
            var policy = new CorsPolicyBuilder().WithOrigins(origin).WithMethods("GET", "POST")
                .WithHeaders("Content-Type", "Authorization").Build();
            return Task.FromResult<CorsPolicy?>(policy);
        }
    }
}
