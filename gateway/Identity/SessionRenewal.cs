using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Identity;

/// <summary>
/// Keeps a person's gateway session honest: it ends at an absolute lifetime however active the
/// person is, and when the idp's access token in it expires the gateway asks the idp again (a
/// refresh-token grant). Whatever the idp answers other than new tokens (the person was locked
/// out, lost a role, the refresh token was revoked, the idp is unreachable) ends the session, so
/// a change at the idp takes effect within one access-token lifetime.
/// </summary>
public sealed class SessionRenewal(
    IOptionsMonitor<OpenIdConnectOptions> oidcOptions,
    IOptions<GatewayIdentityOptions> identityOptions,
    EndedSessions endedSessions,
    TimeProvider time,
    ILogger<SessionRenewal> logger)
{
    /// <summary>Authentication property holding when the person signed in at the idp (round-trip format).</summary>
    public const string SignedInItem = ".federation.signed_in";

    /// <summary>Authentication property holding the session's id, which sign-out ends (<see cref="EndedSessions"/>).</summary>
    public const string SessionIdItem = ".federation.session";

    // Parallel requests with one expired session share one refresh: the idp accepts a refresh token once.
    private readonly ConcurrentDictionary<string, (Task<Refreshed?> Refresh, DateTimeOffset Until)> _refreshes = new(StringComparer.Ordinal);

    /// <summary>Stamps a new session with its sign-in time and id.</summary>
    public Task SigningInAsync(CookieSigningInContext context)
    {
        context.Properties.Items[SignedInItem] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        if (!context.Properties.Items.ContainsKey(SessionIdItem))
        {
            context.Properties.Items[SessionIdItem] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Ends the session of <paramref name="properties"/> for good: a copy of its cookie is refused
    /// from now on. Returns false for a session without an id.
    /// </summary>
    public bool End(AuthenticationProperties properties)
    {
        if (!properties.Items.TryGetValue(SessionIdItem, out var id) || string.IsNullOrEmpty(id))
        {
            return false;
        }
        var signedIn = properties.Items.TryGetValue(SignedInItem, out var text)
                       && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : time.GetUtcNow();
        endedSessions.End(id, signedIn + identityOptions.Value.AbsoluteSessionLifetime);
        return true;
    }

    public async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var now = time.GetUtcNow();
        if (!context.Properties.Items.TryGetValue(SignedInItem, out var signedInText)
            || !DateTimeOffset.TryParse(signedInText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var signedIn)
            || now - signedIn >= identityOptions.Value.AbsoluteSessionLifetime)
        {
            await EndAsync(context, "absolute lifetime reached");
            return;
        }
        if (!context.Properties.Items.TryGetValue(SessionIdItem, out var sessionId) || sessionId is null || endedSessions.IsEnded(sessionId))
        {
            await EndAsync(context, "signed out");
            return;
        }
        if (!DateTimeOffset.TryParse(context.Properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiresAt)
            || now < expiresAt)
        {
            return;
        }
        if (context.Properties.GetTokenValue("refresh_token") is not { Length: > 0 } refreshToken)
        {
            await EndAsync(context, "access token expired and no refresh token");
            return;
        }
        var refreshed = await RefreshOnceAsync(refreshToken, now);
        if (refreshed is null)
        {
            await EndAsync(context, "the idp refused the refresh");
            return;
        }
        // The idp decided again: the session now holds the person as the idp describes them today.
        context.ReplacePrincipal(WithCurrentAttributes(context.Principal!, refreshed.Attributes));
        context.Properties.UpdateTokenValue("access_token", refreshed.AccessToken);
        context.Properties.UpdateTokenValue("refresh_token", refreshed.RefreshToken ?? refreshToken);
        context.Properties.UpdateTokenValue("expires_at", refreshed.ExpiresAt.ToString("o", CultureInfo.InvariantCulture));
        context.ShouldRenew = true;
    }

    /// <summary>
    /// The session's person with every attribute claim replaced by the idp's current userinfo
    /// (a removed role is gone); the assurance level stays what the sign-in proved.
    /// </summary>
    private static ClaimsPrincipal WithCurrentAttributes(ClaimsPrincipal principal, IReadOnlyDictionary<string, string[]> current)
    {
        var replaced = GatewayAuthentication.ArrayClaims.Concat(GatewayAuthentication.SingleClaims)
            .Where(type => type != "acr")
            .ToHashSet(StringComparer.Ordinal);
        var old = (ClaimsIdentity)principal.Identity!;
        var identity = new ClaimsIdentity(old.Claims.Where(c => !replaced.Contains(c.Type)), old.AuthenticationType, old.NameClaimType, old.RoleClaimType);
        foreach (var (type, values) in current)
        {
            if (replaced.Contains(type))
            {
                identity.AddClaims(values.Select(v => new Claim(type, v)));
            }
        }
        return new ClaimsPrincipal(identity);
    }

    private static async Task EndAsync(CookieValidatePrincipalContext context, string why)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILogger<SessionRenewal>>();
        logger.LogInformation("Session of {Subject} ended: {Reason}", context.Principal?.FindFirst("sub")?.Value, why);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>Not tied to one request's cancellation: other requests may wait for the same answer.</summary>
    private Task<Refreshed?> RefreshOnceAsync(string refreshToken, DateTimeOffset now)
    {
        foreach (var (token, entry) in _refreshes)
        {
            if (entry.Until < now)
            {
                _refreshes.TryRemove(token, out _);
            }
        }
        return _refreshes.GetOrAdd(refreshToken, t => (RefreshAsync(t), now + TimeSpan.FromMinutes(1))).Refresh;
    }

    private async Task<Refreshed?> RefreshAsync(string refreshToken)
    {
        var options = oidcOptions.Get(OpenIdConnectDefaults.AuthenticationScheme);
        try
        {
            var configuration = await options.ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
            using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "refresh_token",
                    ["refresh_token"] = refreshToken,
                    ["client_id"] = options.ClientId!,
                    ["client_secret"] = options.ClientSecret!,
                }),
            };
            using var response = await options.Backchannel.SendAsync(request, CancellationToken.None);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("The idp refused a refresh: {Status} {Body}", (int)response.StatusCode, await response.Content.ReadAsStringAsync());
                return null;
            }
            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            var root = body.RootElement;
            if (!root.TryGetProperty("access_token", out var accessToken) || accessToken.GetString() is not { Length: > 0 } access)
            {
                return null;
            }
            var lifetime = root.TryGetProperty("expires_in", out var expiresIn) && expiresIn.TryGetInt32(out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.Zero;
            var refresh = root.TryGetProperty("refresh_token", out var newRefresh) ? newRefresh.GetString() : null;
            var attributes = await UserInfoAsync(options, configuration.UserInfoEndpoint, access);
            return attributes is null ? null : new Refreshed(access, refresh, time.GetUtcNow() + lifetime, attributes);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or IOException)
        {
            // Cannot ask the idp: fail closed, the person signs in again (single sign-on there makes it quick).
            logger.LogWarning(e, "Could not refresh a session at the idp");
            return null;
        }
    }

    /// <summary>The person's current attributes, as at sign-in (the OIDC handler reads userinfo too).</summary>
    private async Task<IReadOnlyDictionary<string, string[]>?> UserInfoAsync(OpenIdConnectOptions options, string endpoint, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await options.Backchannel.SendAsync(request, CancellationToken.None);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogInformation("The idp refused userinfo after a refresh: {Status}", (int)response.StatusCode);
            return null;
        }
        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var property in body.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Array => property.Value.EnumerateArray().Select(v => v.ToString()).ToArray(),
                _ => [property.Value.ToString()],
            };
        }
        return result;
    }

    private sealed record Refreshed(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt, IReadOnlyDictionary<string, string[]> Attributes);
}
