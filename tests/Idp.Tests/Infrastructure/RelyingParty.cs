using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
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
    public const string DefaultPassword = "Skola-Demo-2026!";

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
            if (absolute.AbsolutePath.Equals("/login", StringComparison.OrdinalIgnoreCase))
            {
                response = await SubmitFormAsync(absolute.PathAndQuery, new() { ["UserName"] = user, ["Password"] = password });
            }
            else if (absolute.AbsolutePath.Equals("/mfa", StringComparison.OrdinalIgnoreCase))
            {
                response = await SubmitFormAsync(absolute.PathAndQuery, new() { ["Code"] = Totp.Code(totpSecret ?? throw new InvalidOperationException("MFA asked for, no TOTP secret given")) });
            }
            else
            {
                response = await Browser.GetAsync(absolute.PathAndQuery);
            }
        }
        throw new InvalidOperationException("Too many redirects.");
    }

    /// <summary>GETs a page with a form, then POSTs the form with its antiforgery token and the given fields.</summary>
    public async Task<HttpResponseMessage> SubmitFormAsync(string pageUrl, Dictionary<string, string> fields)
    {
        var page = await Browser.GetStringAsync(pageUrl);
        var form = new Dictionary<string, string>(fields);
        foreach (Match hidden in HiddenInput().Matches(page))
        {
            form.TryAdd(WebUtility.HtmlDecode(hidden.Groups["name"].Value), WebUtility.HtmlDecode(hidden.Groups["value"].Value));
        }
        var action = FormAction().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["action"].Value) : pageUrl;
        return await Browser.PostAsync(action, new FormUrlEncodedContent(form));
    }

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

    [GeneratedRegex("<input(?=[^>]*type=\"hidden\")(?=[^>]*name=\"(?<name>[^\"]+)\")(?=[^>]*value=\"(?<value>[^\"]*)\")[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();

    [GeneratedRegex("<form[^>]*action=\"(?<action>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();
}

/// <summary>RFC 6238 codes, as an authenticator app computes them.</summary>
public static class Totp
{
    private static readonly Dictionary<string, long> LastStep = new(StringComparer.Ordinal);

    /// <summary>
    /// Without <paramref name="at"/>: a code the idp has not seen yet. The idp accepts each time
    /// step once (and one step ahead of its clock), so a second code in the same 30 s is the next
    /// step's, and a third waits (bounded) until that is within reach, like a person would.
    /// </summary>
    public static string Code(string base32Secret, DateTimeOffset? at = null)
    {
        if (at is { } fixedTime)
        {
            return CodeAt(base32Secret, fixedTime.ToUnixTimeSeconds() / 30);
        }
        long step;
        lock (LastStep)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
            step = Math.Max(now, LastStep.GetValueOrDefault(base32Secret, long.MinValue + 1) + 1);
            LastStep[base32Secret] = step;
        }
        // The idp takes one step ahead of its clock: wait until step - 1 has begun (at most the steps reserved ahead).
        var wait = DateTimeOffset.FromUnixTimeSeconds((step - 1) * 30) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            Thread.Sleep(wait + TimeSpan.FromMilliseconds(200));
        }
        return CodeAt(base32Secret, step);
    }

    public static string CodeAt(string base32Secret, long step)
    {
        var key = Base32Decode(base32Secret);
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }
#pragma warning disable CA5350 // RFC 6238's default, what authenticator apps use
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32Decode(string input)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var output = new List<byte>();
        foreach (var c in input.TrimEnd('=').ToUpperInvariant())
        {
            value = (value << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. output];
    }
}
