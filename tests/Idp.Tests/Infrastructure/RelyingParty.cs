using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Idp.Tests.Infrastructure;

/// <summary>The token endpoint's answer (or error).</summary>
public sealed record TokenResponse(HttpStatusCode Status, JsonElement Body)
{
    public string? AccessToken => Get("access_token");
    public string? IdToken => Get("id_token");
    public string? RefreshToken => Get("refresh_token");
    public string? Error => Get("error");

    private string? Get(string name) => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var v) ? v.GetString() : null;
}

/// <summary>
/// A relying party and its user's browser, speaking plain HTTP to the real idp: every hop of
/// the authorization code flow is a real request, the login form is filled in like a person would.
/// </summary>
public sealed partial class RelyingParty(IdpHost idp, string clientId, string? secret, string redirectUri) : IDisposable
{
    public const string DefaultPassword = LoginForm.DemoPassword;

    public HttpClient Browser { get; } = idp.CreateBrowser();

    private readonly HttpClient _backchannel = new() { BaseAddress = idp.BaseAddress };

    public string ClientId => clientId;

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public string AuthorizeUrl(string challenge, string scope = "openid", string state = "st-1", string nonce = "n-1",
        string? method = "S256", string? redirect = null, IDictionary<string, string?>? extra = null)
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["redirect_uri"] = redirect ?? redirectUri,
            ["scope"] = scope,
            ["state"] = state,
            ["nonce"] = nonce,
        };
        if (method is not null)
        {
            query["code_challenge"] = challenge;
            query["code_challenge_method"] = method;
        }
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            query[k] = v;
        }
        return QueryHelpers.AddQueryString("/connect/authorize", query);
    }

    /// <summary>Follows redirects inside the idp, signing in (and entering a TOTP code) when asked, until the idp sends the browser back to the client.</summary>
    public async Task<Uri> AuthorizeAsync(string authorizeUrl, string user = "anna.larare", string password = DefaultPassword, string? totpSecret = null)
    {
        var (callback, page) = await FollowAsync(authorizeUrl, user, password, totpSecret);
        return callback ?? throw new InvalidOperationException($"Expected a redirect, got {(int)page!.StatusCode}: {await page.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// Like <see cref="AuthorizeAsync"/>, but stops at the first page the idp shows instead of a
    /// redirect (the "no access" page, an error page): either the callback or that page.
    /// </summary>
    public async Task<(Uri? Callback, HttpResponseMessage? Page)> FollowAsync(
        string authorizeUrl, string user = "anna.larare", string password = DefaultPassword, string? totpSecret = null)
    {
        var response = await Browser.GetAsync(authorizeUrl);
        for (var hop = 0; hop < 10; hop++)
        {
            if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
            {
                return (null, response);
            }
            var location = response.Headers.Location!;
            var absolute = location.IsAbsoluteUri ? location : new Uri(idp.BaseAddress, location);
            if (absolute.Authority != idp.BaseAddress.Authority)
            {
                return (absolute, null);
            }
            response = await new LoginForm(user, password, totpSecret).TryFillInAsync(Browser, absolute)
                       ?? await Browser.GetAsync(absolute.PathAndQuery);
        }
        throw new InvalidOperationException("Too many redirects.");
    }

    /// <summary>GETs a page with a form, then POSTs the form with its antiforgery token and the given fields.</summary>
    public Task<HttpResponseMessage> SubmitFormAsync(string pageUrl, Dictionary<string, string> fields) =>
        HtmlForm.FillInAsync(Browser, new Uri(Browser.BaseAddress!, pageUrl), fields);

    public static IDictionary<string, string> Query(Uri callback) =>
        QueryHelpers.ParseQuery(callback.Query).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());

    public Task<TokenResponse> RedeemAsync(string code, string? verifier, string? secretOverride = null) =>
        TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
        }, secretOverride);

    public Task<TokenResponse> RefreshAsync(string refreshToken) =>
        TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });

    public Task<TokenResponse> ClientCredentialsAsync(string scope, string? secretOverride = null) =>
        TokenAsync(new() { ["grant_type"] = "client_credentials", ["scope"] = scope }, secretOverride);

    public async Task<TokenResponse> TokenAsync(Dictionary<string, string?> form, string? secretOverride = null)
    {
        form["client_id"] = clientId;
        if ((secretOverride ?? secret) is { } s)
        {
            form["client_secret"] = s;
        }
        using var response = await _backchannel.PostAsync("/connect/token",
            new FormUrlEncodedContent(form.Where(kv => kv.Value is not null).Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value!))));
        var text = await response.Content.ReadAsStringAsync();
        return new TokenResponse(response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> UserInfoAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new("Bearer", accessToken);
        using var response = await _backchannel.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 || response.StatusCode != HttpStatusCode.OK ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Validates a JWT against the idp's published JWKS, like the gateway and the register do.</summary>
    public async Task<JsonWebToken> ValidateAsync(string jwt, string audience, string? expectedType = null)
    {
        var jwks = new JsonWebKeySet(await _backchannel.GetStringAsync("/.well-known/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = idp.Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = expectedType is null ? null : [expectedType],
        });
        Assert.True(result.IsValid, "token invalid: " + result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    public void Dispose()
    {
        Browser.Dispose();
        _backchannel.Dispose();
    }
}
