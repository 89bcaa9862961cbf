using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Federation.Core.Feed;
using Federation.Gateway.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Gateway.Proxy;

/// <summary>A person's token for one backend: what the idp released to that system, and nothing else.</summary>
/// <param name="AccessToken">Forwarded as is to a backend with token forwarding.</param>
/// <param name="User">Its claims, for the signed headers of a backend with header forwarding.</param>
/// <param name="System">The feed's system it was issued for (a new feed version asks again).</param>
/// <param name="RenewAfter">When the next request asks the idp for a fresh one.</param>
public sealed record BackendToken(string AccessToken, UserFacts User, FeedSystem System, DateTimeOffset RenewAfter);

/// <summary>
/// Per-system release for people (RFC 8693 token exchange at the idp). The gateway's own sign-in
/// carries only what its access decision needs; for each system a person opens, the gateway
/// exchanges the session's refresh token for a short-lived access token whose audience is that
/// system and whose claims are that system's release list. One token call per session and system,
/// then the token is reused until <see cref="RenewBefore"/> its expiry. Programs with a bearer
/// token are not exchanged: their headers come from their own token, filtered by the release list.
/// </summary>
public sealed class BackendTokens(
    IOptionsMonitor<OpenIdConnectOptions> oidc,
    IOptions<GatewayIdentityOptions> identity,
    TimeProvider time,
    ILogger<BackendTokens> logger)
{
    /// <summary>A cached token is renewed this long before it expires, so none reaches a backend about to die.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(60);

    private const string RefreshTokenType = "urn:ietf:params:oauth:token-type:refresh_token";
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    private const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<(string Session, string System), Lazy<Task<BackendToken?>>> _tokens = new();
    private long _exchanges;

    /// <summary>Token calls made so far (each is one round trip to the idp).</summary>
    public long Exchanges => Interlocked.Read(ref _exchanges);

    /// <summary>
    /// The signed-in person's token for <paramref name="system"/>; null when the session has no
    /// refresh token or the idp refuses. Concurrent first requests share one token call.
    /// </summary>
    /// <exception cref="HttpRequestException">The idp could not be reached.</exception>
    public async Task<BackendToken?> ForSessionAsync(HttpContext context, FeedSystem system)
    {
        if (await context.GetTokenAsync(CookieAuthenticationDefaults.AuthenticationScheme, "refresh_token") is not { Length: > 0 } session)
        {
            return null;
        }
        var key = (session, system.Id);
        for (var attempt = 0; ; attempt++)
        {
            var entry = _tokens.GetOrAdd(key, k => new Lazy<Task<BackendToken?>>(() => ExchangeAsync(k.Session, system)));
            BackendToken? token;
            try
            {
                token = await entry.Value;
            }
            catch
            {
                _tokens.TryRemove(new(key, entry));
                throw;
            }
            if (token is null)
            {
                _tokens.TryRemove(new(key, entry)); // a refusal is never remembered
                return null;
            }
            if ((ReferenceEquals(token.System, system) && time.GetUtcNow() < token.RenewAfter) || attempt > 0)
            {
                return token;
            }
            // Near its expiry or issued under an older feed: replaced once.
            _tokens.TryRemove(new(key, entry));
        }
    }

    private async Task<BackendToken?> ExchangeAsync(string refreshToken, FeedSystem system)
    {
        if (_tokens.Count >= MaxEntries)
        {
            _tokens.Clear(); // crude bound; sessions still in use just exchange again
        }
        Interlocked.Increment(ref _exchanges);
        var options = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
        using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
                ["subject_token"] = refreshToken,
                ["subject_token_type"] = RefreshTokenType,
                ["requested_token_type"] = AccessTokenType,
                ["audience"] = system.Id,
                ["client_id"] = identity.Value.ClientId,
                ["client_secret"] = identity.Value.ClientSecret,
            }),
        };
        using var response = await options.Backchannel.SendAsync(request, CancellationToken.None);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("The idp refused a token for system {System}: {Status} {Body}",
                system.Id, (int)response.StatusCode, await response.Content.ReadAsStringAsync());
            if ((int)response.StatusCode >= 500)
            {
                throw new HttpRequestException($"The idp answered {(int)response.StatusCode} to a token exchange.");
            }
            return null;
        }
        var body = await response.Content.ReadFromJsonAsync<ExchangeResponse>();
        if (body?.AccessToken is not { Length: > 0 } accessToken)
        {
            return null;
        }
        // Straight from the idp's token endpoint over the back channel, like the sign-in's own tokens.
        var jwt = new JsonWebToken(accessToken);
        var user = new ClaimsPrincipal(new ClaimsIdentity(jwt.Claims, "exchanged", "name", "roles"));
        var now = time.GetUtcNow();
        var expires = body.ExpiresIn is > 0 ? now.AddSeconds(body.ExpiresIn.Value) : new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        var renewAfter = expires - RenewBefore > now ? expires - RenewBefore : now;
        return new BackendToken(accessToken, new UserFacts(user, expires), system, renewAfter);
    }

    private sealed record ExchangeResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);
}
