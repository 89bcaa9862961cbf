using System.Net;
using System.Text.Json;
using Federation.Idp.Tests.Infrastructure;

namespace Federation.Idp.Tests.Oidc;

public sealed class AuthorizationCodeTests(IdpHost idp) : IClassFixture<IdpHost>
{
    private RelyingParty Portal() => new(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);

    [Fact]
    public async Task Code_with_pkce_gives_tokens_that_validate_against_jwks_and_carry_state_and_nonce()
    {
        using var rp = Portal();
        var (verifier, challenge) = RelyingParty.Pkce();

        var callback = await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, "openid profile offline_access federation.register", state: "state-42", nonce: "nonce-42"));

        Assert.StartsWith(TestSystems.PortalRedirect, callback.AbsoluteUri, StringComparison.Ordinal);
        var query = RelyingParty.Query(callback);
        Assert.Equal("state-42", query["state"]);
        var tokens = await rp.RedeemAsync(query["code"], verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.NotNull(tokens.RefreshToken);

        var id = await rp.ValidateAsync(tokens.IdToken!, TestSystems.PortalId);
        Assert.Equal("nonce-42", id.GetClaim("nonce").Value);
        var access = await rp.ValidateAsync(tokens.AccessToken!, "federation-inventory", expectedType: "at+jwt");
        Assert.Equal(id.Subject, access.Subject);
        Assert.Equal(TestSystems.PortalId, access.GetClaim("client_id").Value);
    }

    [Fact]
    public async Task Wrong_redirect_uri_is_shown_as_an_error_page_and_never_redirected()
    {
        using var rp = Portal();
        var (_, challenge) = RelyingParty.Pkce();

        var response = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge, redirect: TestSystems.PortalRedirect + "/evil"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("invalid_request", page, StringComparison.Ordinal);
        Assert.Contains("Något gick fel", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirect_uri_must_match_exactly_not_by_prefix_or_case()
    {
        using var rp = Portal();
        var (_, challenge) = RelyingParty.Pkce();
        foreach (var variant in new[] { TestSystems.PortalRedirect.ToUpperInvariant(), TestSystems.PortalRedirect + "?x=1", TestSystems.PortalRedirect + "/" })
        {
            var response = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge, redirect: variant));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task Missing_pkce_is_refused()
    {
        using var rp = Portal();

        var response = await rp.Browser.GetAsync(rp.AuthorizeUrl("unused", method: null));

        await AssertRefusedAsync(response, "invalid_request");
    }

    [Fact]
    public async Task Plain_pkce_is_refused()
    {
        using var rp = Portal();
        var (verifier, _) = RelyingParty.Pkce();

        var response = await rp.Browser.GetAsync(rp.AuthorizeUrl(verifier, method: "plain"));

        await AssertRefusedAsync(response, "invalid_request");
    }

    [Fact]
    public async Task Wrong_code_verifier_is_refused()
    {
        using var rp = Portal();
        var (_, challenge) = RelyingParty.Pkce();
        var (otherVerifier, _) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge)))["code"];

        var tokens = await rp.RedeemAsync(code, otherVerifier);

        Assert.Equal("invalid_grant", tokens.Error);
    }

    [Fact]
    public async Task Reused_code_is_refused_and_revokes_what_the_first_redemption_gave()
    {
        using var rp = Portal();
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, "openid offline_access")))["code"];
        var first = await rp.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, first.Status);

        var second = await rp.RedeemAsync(code, verifier);

        Assert.Equal("invalid_grant", second.Error);
        Assert.Equal("invalid_grant", (await rp.RefreshAsync(first.RefreshToken!)).Error);
    }

    [Fact]
    public async Task Wrong_client_secret_is_refused()
    {
        using var rp = Portal();
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge)))["code"];

        var tokens = await rp.RedeemAsync(code, verifier, secretOverride: "not-the-secret");

        Assert.Equal("invalid_client", tokens.Error);
    }

    [Fact]
    public async Task Unknown_client_gets_an_error_page()
    {
        using var rp = new RelyingParty(idp, "no-such-client", null, TestSystems.Redirect);
        var (_, challenge) = RelyingParty.Pkce();

        var response = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Public_client_uses_pkce_without_a_secret()
    {
        using var rp = new RelyingParty(idp, TestSystems.PublicId, null, TestSystems.Redirect);
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, "openid offline_access")))["code"];

        var tokens = await rp.RedeemAsync(code, verifier);

        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.NotNull(tokens.RefreshToken);
    }

    [Fact]
    public async Task Signed_in_session_is_reused_without_a_second_login()
    {
        using var rp = Portal();
        var (_, challenge) = RelyingParty.Pkce();
        await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge));

        var response = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge, state: "again"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(TestSystems.PortalRedirect, response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_none_without_a_session_answers_login_required()
    {
        using var rp = Portal();
        var (_, challenge) = RelyingParty.Pkce();

        var response = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge, extra: new Dictionary<string, string?> { ["prompt"] = "none" }));

        Assert.Equal("login_required", ErrorAtClient(response)["error"]);
    }

    [Fact]
    public async Task End_session_asks_then_signs_out_and_returns_to_the_registered_uri()
    {
        using var rp = Portal();
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge)))["code"];
        var tokens = await rp.RedeemAsync(code, verifier);
        var logout = $"/connect/endsession?id_token_hint={tokens.IdToken}&post_logout_redirect_uri={Uri.EscapeDataString(TestSystems.PortalLogout)}&state=bye";

        var ask = await rp.Browser.GetAsync(logout);
        Assert.Equal(HttpStatusCode.Redirect, ask.StatusCode);
        Assert.StartsWith("/signout", ask.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var done = await rp.SubmitFormAsync(ask.Headers.Location.OriginalString, []);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.StartsWith(TestSystems.PortalLogout + "?state=bye", done.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        var again = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge));
        Assert.StartsWith("/login", again.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task End_session_refuses_an_unregistered_post_logout_uri()
    {
        using var rp = Portal();

        var response = await rp.Browser.GetAsync($"/connect/endsession?client_id={TestSystems.PortalId}&post_logout_redirect_uri={Uri.EscapeDataString("http://127.0.0.1:7001/elsewhere")}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Discovery_offers_S256_only_and_jwks_publishes_rsa_and_p256_signing_keys()
    {
        using var http = new HttpClient { BaseAddress = idp.BaseAddress };
        var discovery = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.Equal(idp.Issuer, discovery.GetProperty("issuer").GetString());
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks")).RootElement.GetProperty("keys");
        // RSA (RS256) for ID tokens and most access tokens, EC P-256 (ES256) for our own servers' (AccessTokenAlgorithmTests).
        Assert.All(jwks.EnumerateArray(), k => Assert.Contains(
            $"{k.GetProperty("kty").GetString()} {k.GetProperty("alg").GetString()} {(k.TryGetProperty("crv", out var crv) ? crv.GetString() : "")}",
            new[] { "RSA RS256 ", "EC ES256 P-256" }));
        Assert.NotEmpty(jwks.EnumerateArray());
    }

    /// <summary>Refused with <paramref name="error"/>: sent back to the client, or shown on the idp's error page; never a code.</summary>
    private static async Task AssertRefusedAsync(HttpResponseMessage response, string error)
    {
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            var query = ErrorAtClient(response);
            Assert.False(query.ContainsKey("code"));
            Assert.Equal(error, query["error"]);
            return;
        }
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(error, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>An error the idp sent back to the client's redirect URI.</summary>
    private static IDictionary<string, string> ErrorAtClient(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.True(location.IsAbsoluteUri, "expected a redirect to the client, got " + location);
        return RelyingParty.Query(location);
    }
}
