using System.Net;
using System.Text;
using System.Text.Json;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;

namespace Federation.Idp.Tests.Oidc;

/// <summary>
/// What a certified relying party library checks (OIDC Core, RFC 6749, RFC 7009/7662,
/// RP-Initiated Logout), each an attack or a conformance gap that once got through.
/// </summary>
public sealed class OidcConformanceTests(IdpHost idp) : IClassFixture<IdpHost>
{
    private RelyingParty Portal() => new(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);

    private static async Task<TokenResponse> SignInAsync(RelyingParty rp, string scope = "openid offline_access", Dictionary<string, string?>? extra = null)
    {
        var (verifier, challenge) = RelyingParty.Pkce();
        var callback = await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, scope, extra: extra));
        var tokens = await rp.RedeemAsync(RelyingParty.Query(callback)["code"], verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        return tokens;
    }

    private static long AuthTime(string idToken) =>
        new JsonWebToken(idToken).TryGetPayloadValue<long>("auth_time", out var value) ? value : throw new Xunit.Sdk.XunitException("no auth_time in the ID token");

    [Fact]
    public async Task Id_token_carries_auth_time_of_the_sign_in()
    {
        using var rp = Portal();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var tokens = await SignInAsync(rp);

        var authTime = AuthTime(tokens.IdToken!);
        Assert.InRange(authTime, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        // A refreshed ID token still says when the person signed in, not when it was refreshed.
        var refreshed = await rp.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(authTime, AuthTime(refreshed.IdToken!));
    }

    [Fact]
    public async Task Max_age_forces_a_new_sign_in_and_auth_time_shows_it()
    {
        using var rp = Portal();
        var first = AuthTime((await SignInAsync(rp)).IdToken!);
        await Task.Delay(1100); // auth_time has whole seconds

        var (verifier, challenge) = RelyingParty.Pkce();
        var url = rp.AuthorizeUrl(challenge, extra: new Dictionary<string, string?> { ["max_age"] = "0" });
        var ask = await rp.Browser.GetAsync(url);
        Assert.StartsWith("/login", ask.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var callback = await rp.AuthorizeAsync(url);
        var tokens = await rp.RedeemAsync(RelyingParty.Query(callback)["code"], verifier);

        Assert.True(AuthTime(tokens.IdToken!) > first, "auth_time must show the new sign-in");
    }

    [Fact]
    public async Task Prompt_login_is_not_satisfied_by_the_old_session_through_the_return_url()
    {
        using var rp = Portal();
        var first = AuthTime((await SignInAsync(rp)).IdToken!);
        await Task.Delay(1100);
        var (verifier, challenge) = RelyingParty.Pkce();
        var url = rp.AuthorizeUrl(challenge, extra: new Dictionary<string, string?> { ["prompt"] = "login" });

        var ask = await rp.Browser.GetAsync(url);
        Assert.StartsWith("/login", ask.Headers.Location!.OriginalString, StringComparison.Ordinal);
        // Skipping the form and going straight back must not give a code for the old session.
        var returnUrl = RelyingParty.Query(new Uri(idp.BaseAddress, ask.Headers.Location))["ReturnUrl"];
        var skipped = await rp.Browser.GetAsync(returnUrl);
        Assert.StartsWith("/login", skipped.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // Signing in again ends the loop: one code, with the new auth_time.
        var callback = await rp.AuthorizeAsync(url);
        var tokens = await rp.RedeemAsync(RelyingParty.Query(callback)["code"], verifier);
        Assert.True(AuthTime(tokens.IdToken!) > first, "auth_time must show the new sign-in");
    }

    [Fact]
    public async Task Client_credentials_for_a_known_scope_the_client_was_not_given_is_invalid_scope()
    {
        using var rp = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);

        // federation.register is known (another client has it), just not this client's.
        foreach (var scope in new[] { "federation.register", "federation.feed federation.register", "offline_access" })
        {
            var tokens = await rp.ClientCredentialsAsync(scope);
            Assert.Equal("invalid_scope", tokens.Error);
            Assert.Null(tokens.AccessToken);
        }
    }

    [Fact]
    public async Task Authorize_for_a_known_scope_the_client_was_not_given_is_invalid_scope()
    {
        using var rp = new RelyingParty(idp, TestSystems.MinimalId, TestSystems.MinimalSecret, TestSystems.Redirect);
        var (_, challenge) = RelyingParty.Pkce();

        var (callback, page) = await rp.FollowAsync(rp.AuthorizeUrl(challenge, "openid federation.register"));

        Assert.True(callback is not null, "expected the error at the client, got a page " + page?.StatusCode);
        var query = RelyingParty.Query(callback!);
        Assert.False(query.ContainsKey("code"));
        Assert.Equal("invalid_scope", query["error"]);
    }

    [Fact]
    public async Task Refresh_for_a_scope_beyond_the_grant_is_refused_and_issues_nothing()
    {
        using var rp = Portal();
        var tokens = await SignInAsync(rp, "openid offline_access");

        var wider = await rp.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.RefreshToken, ["scope"] = "openid offline_access federation.feed" });

        Assert.Equal("invalid_scope", wider.Error);
        Assert.Null(wider.AccessToken);
    }

    [Fact]
    public async Task A_second_redemption_of_a_code_revokes_the_tokens_of_the_first()
    {
        using var rp = Portal();
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, "openid offline_access")))["code"];
        var first = await rp.RedeemAsync(code, verifier);
        Assert.True(await ActiveAsync(first.AccessToken!));

        Assert.Equal("invalid_grant", (await rp.RedeemAsync(code, verifier)).Error);

        Assert.False(await ActiveAsync(first.AccessToken!));
        Assert.Equal(HttpStatusCode.Unauthorized, (await rp.UserInfoAsync(first.AccessToken!)).Status);
        Assert.Equal("invalid_grant", (await rp.RefreshAsync(first.RefreshToken!)).Error);
    }

    [Fact]
    public async Task A_revoked_access_token_is_inactive_at_introspection_and_refused_at_userinfo()
    {
        using var rp = Portal();
        var tokens = await SignInAsync(rp);
        Assert.Equal(HttpStatusCode.OK, (await rp.UserInfoAsync(tokens.AccessToken!)).Status);

        using var revoke = await RevokeAsync(tokens.AccessToken!, "access_token");

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.False(await ActiveAsync(tokens.AccessToken!));
        Assert.Equal(HttpStatusCode.Unauthorized, (await rp.UserInfoAsync(tokens.AccessToken!)).Status);
        // Only that token: the refresh token still gives a fresh, active one.
        var refreshed = await rp.RefreshAsync(tokens.RefreshToken!);
        Assert.True(await ActiveAsync(refreshed.AccessToken!));
    }

    [Fact]
    public async Task A_revoked_client_credentials_token_is_remembered_in_the_database_for_every_replica()
    {
        using var rp = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);
        var tokens = await rp.ClientCredentialsAsync("federation.feed");
        var jti = new JsonWebToken(tokens.AccessToken!).Id;

        using var revoke = await RevokeAsync(tokens.AccessToken!, null, TestSystems.BatchId, TestSystems.BatchSecret);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var scope = idp.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Federation.Idp.Infrastructure.IdpDbContext>();
        Assert.NotNull(await db.RevokedAccessTokens.FindAsync(jti));
        Assert.False(await ActiveAsync(tokens.AccessToken!, TestSystems.BatchId, TestSystems.BatchSecret));
    }

    [Fact]
    public async Task Revoking_the_authorization_makes_introspection_and_userinfo_refuse_its_access_token()
    {
        using var rp = Portal();
        var tokens = await SignInAsync(rp);
        Assert.True(await ActiveAsync(tokens.AccessToken!));
        var authorizationId = new JsonWebToken(tokens.AccessToken!).GetClaim("oi_au_id").Value;

        using (var scope = idp.Services.CreateScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var authorization = await authorizations.FindByIdAsync(authorizationId);
            Assert.True(await authorizations.TryRevokeAsync(authorization!));
        }

        Assert.False(await ActiveAsync(tokens.AccessToken!));
        Assert.Equal(HttpStatusCode.Unauthorized, (await rp.UserInfoAsync(tokens.AccessToken!)).Status);
    }

    [Fact]
    public async Task End_session_refuses_a_malformed_or_unsigned_id_token_hint_and_keeps_the_session()
    {
        using var rp = Portal();
        var tokens = await SignInAsync(rp);
        var parts = tokens.IdToken!.Split('.');
        var unsigned = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        var otherIssuer = Base64UrlEncoder.Encode("{\"alg\":\"none\"}") + "." + Base64UrlEncoder.Encode(
            Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(idp.Issuer, "http://127.0.0.1:1/", StringComparison.Ordinal)) + ".";

        foreach (var hint in new[] { "not-a-token", "a.b.c", unsigned, otherIssuer, parts[0] + "." + parts[1] + "." + parts[2][..^4] + "AAAA" })
        {
            var response = await rp.Browser.GetAsync($"/connect/endsession?id_token_hint={Uri.EscapeDataString(hint)}&post_logout_redirect_uri={Uri.EscapeDataString(TestSystems.PortalLogout)}&state=bye");
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"hint {hint}: {(int)response.StatusCode} to {response.Headers.Location}");
        }
        // Still signed in: a code comes without a login form.
        var (_, challenge) = RelyingParty.Pkce();
        var again = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge));
        Assert.StartsWith(TestSystems.PortalRedirect, again.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task End_session_sends_back_only_to_the_hinted_clients_post_logout_uri()
    {
        using var rp = Portal();
        var tokens = await SignInAsync(rp);

        var response = await rp.Browser.GetAsync($"/connect/endsession?id_token_hint={tokens.IdToken}&post_logout_redirect_uri={Uri.EscapeDataString(TestSystems.LikaLogout)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task End_session_with_a_hint_for_another_person_asks_and_does_not_return_to_the_client()
    {
        using var anna = Portal();
        var annaTokens = await SignInAsync(anna);
        using var sara = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        var (_, challenge) = RelyingParty.Pkce();
        await sara.AuthorizeAsync(sara.AuthorizeUrl(challenge), user: "sara.sekreterare");
        var logout = $"/connect/endsession?id_token_hint={annaTokens.IdToken}&post_logout_redirect_uri={Uri.EscapeDataString(TestSystems.PortalLogout)}&state=bye";

        var ask = await sara.Browser.GetAsync(logout);
        Assert.Equal(HttpStatusCode.Redirect, ask.StatusCode);
        Assert.StartsWith("/signout", ask.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var done = await sara.SubmitFormAsync(ask.Headers.Location.OriginalString, []);

        // Her own choice ends her session, but the client that asked about someone else is not told.
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/signed-out", done.Headers.Location!.OriginalString);
    }

    private async Task<HttpResponseMessage> RevokeAsync(string token, string? hint, string clientId = TestSystems.PortalId, string secret = TestSystems.PortalSecret)
    {
        using var http = new HttpClient { BaseAddress = idp.BaseAddress };
        var form = new Dictionary<string, string> { ["token"] = token, ["client_id"] = clientId, ["client_secret"] = secret };
        if (hint is not null)
        {
            form["token_type_hint"] = hint;
        }
        return await http.PostAsync("/connect/revoke", new FormUrlEncodedContent(form));
    }

    private async Task<bool> ActiveAsync(string token, string clientId = TestSystems.PortalId, string secret = TestSystems.PortalSecret)
    {
        using var http = new HttpClient { BaseAddress = idp.BaseAddress };
        using var response = await http.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"introspection: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("active").GetBoolean();
    }
}
