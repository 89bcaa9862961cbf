using System.Net;
using System.Text.Json;
using Federation.Idp.Tests.Infrastructure;

namespace Federation.Idp.Tests.Oidc;

/// <summary>
/// Which key signs which token: access tokens whose every audience is one of the federation's own
/// resource servers (the register, the gateway) are ES256; ID tokens, and access tokens for anyone
/// else (a backend's exchanged token, a client's own audience), stay RS256. Both keys are in JWKS.
/// </summary>
public sealed class AccessTokenAlgorithmTests(GatewayIdpHost idp) : IClassFixture<GatewayIdpHost>
{
    private RelyingParty Gateway() => new(idp, GatewayIdpHost.GatewayId, GatewayIdpHost.GatewaySecret, GatewayIdpHost.GatewayRedirect);

    private async Task<JsonElement[]> JwksAsync()
    {
        using var http = new HttpClient { BaseAddress = idp.BaseAddress };
        using var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks"));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.Clone())];
    }

    private async Task<JsonElement> PublishedKeyAsync(string kid) =>
        Assert.Single(await JwksAsync(), k => k.GetProperty("kid").GetString() == kid);

    private static async Task<TokenResponse> SignInAsync(RelyingParty rp, string scope)
    {
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, scope), "rolf.rektor"))["code"];
        var tokens = await rp.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        return tokens;
    }

    [Fact]
    public async Task A_token_for_the_registers_api_is_ES256_with_a_P256_key_that_JWKS_lists()
    {
        using var batch = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);

        var tokens = await batch.ClientCredentialsAsync("federation.feed");

        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        var access = await batch.ValidateAsync(tokens.AccessToken!, "federation-inventory", "at+jwt");
        Assert.Equal("ES256", access.Alg);
        var key = await PublishedKeyAsync(access.Kid);
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
    }

    [Fact]
    public async Task The_gateways_sign_in_has_an_RS256_ID_token_and_an_ES256_access_token_that_userinfo_accepts()
    {
        using var gateway = Gateway();

        var tokens = await SignInAsync(gateway, "openid profile roles offline_access");

        var id = await gateway.ValidateAsync(tokens.IdToken!, GatewayIdpHost.GatewayId);
        Assert.Equal("RS256", id.Alg);
        Assert.Equal("RSA", (await PublishedKeyAsync(id.Kid)).GetProperty("kty").GetString());
        var access = await gateway.ValidateAsync(tokens.AccessToken!, GatewayIdpHost.GatewayId, "at+jwt");
        Assert.Equal("ES256", access.Alg);
        // The idp reads its own ES256 access tokens too.
        var (status, _) = await gateway.UserInfoAsync(tokens.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Another_clients_ID_and_own_audience_access_token_stay_RS256()
    {
        using var rp = new RelyingParty(idp, TestSystems.MinimalId, TestSystems.MinimalSecret, TestSystems.Redirect);

        var tokens = await SignInAsync(rp, "openid");

        Assert.Equal("RS256", (await rp.ValidateAsync(tokens.IdToken!, TestSystems.MinimalId)).Alg);
        Assert.Equal("RS256", (await rp.ValidateAsync(tokens.AccessToken!, TestSystems.MinimalId, "at+jwt")).Alg);
    }

    [Fact]
    public async Task A_token_exchanged_for_a_backend_stays_RS256()
    {
        using var gateway = Gateway();
        var session = await SignInAsync(gateway, "openid profile roles offline_access");

        var exchanged = await gateway.TokenAsync(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = session.RefreshToken,
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:refresh_token",
            ["audience"] = "procapita",
        });

        Assert.Equal(HttpStatusCode.OK, exchanged.Status);
        Assert.Equal("RS256", (await gateway.ValidateAsync(exchanged.AccessToken!, "procapita", "at+jwt")).Alg);
    }

    [Fact]
    public async Task Discovery_announces_RS256_only_for_ID_tokens_and_JWKS_has_both_key_types()
    {
        using var http = new HttpClient { BaseAddress = idp.BaseAddress };
        using var discovery = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));

        Assert.Equal(["RS256"], discovery.RootElement.GetProperty("id_token_signing_alg_values_supported")
            .EnumerateArray().Select(a => a.GetString()));
        var keys = await JwksAsync();
        Assert.Contains(keys, k => k.GetProperty("kty").GetString() == "RSA" && k.GetProperty("alg").GetString() == "RS256");
        Assert.Contains(keys, k => k.GetProperty("kty").GetString() == "EC" && k.GetProperty("alg").GetString() == "ES256");
        Assert.All(keys, k => Assert.False(k.TryGetProperty("d", out _), "a private key part is published"));
    }
}

/// <summary>The idp with <c>Idp:AccessTokenSigning:Algorithm</c> set to RS256.</summary>
public sealed class Rs256AccessTokenIdpHost : IdpHost
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new("Idp:AccessTokenSigning:Algorithm", "RS256")];
}

/// <summary>With the option off, every token is RS256, the register's too.</summary>
public sealed class Rs256AccessTokenTests(Rs256AccessTokenIdpHost idp) : IClassFixture<Rs256AccessTokenIdpHost>
{
    [Fact]
    public async Task A_token_for_the_registers_api_is_RS256()
    {
        using var batch = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);

        var tokens = await batch.ClientCredentialsAsync("federation.feed");

        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.Equal("RS256", (await batch.ValidateAsync(tokens.AccessToken!, "federation-inventory", "at+jwt")).Alg);
    }
}

/// <summary>The option accepts only what the federation's resource servers accept (core's AccessTokenAlgorithms).</summary>
public sealed class AccessTokenSigningOptionsTests
{
    private static IReadOnlyList<System.ComponentModel.DataAnnotations.ValidationResult> Problems(string algorithm) =>
        [.. new Federation.Idp.Oidc.AccessTokenSigningOptions { Algorithm = algorithm }.Validate(new(new object()))];

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public void An_algorithm_the_resource_servers_accept_is_taken(string algorithm) => Assert.Empty(Problems(algorithm));

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    [InlineData("es256")]
    [InlineData("ES384")]
    public void Any_other_algorithm_is_refused_on_start(string algorithm) =>
        Assert.Contains(Problems(algorithm), p => p.ErrorMessage!.Contains("Algorithm", StringComparison.Ordinal));
}
