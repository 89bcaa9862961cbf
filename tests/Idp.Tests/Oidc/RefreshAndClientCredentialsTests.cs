using System.Net;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Idp.Tests.Oidc;

public sealed class RefreshAndClientCredentialsTests(IdpHost idp) : IClassFixture<IdpHost>
{
    private async Task<(RelyingParty Rp, TokenResponse Tokens)> SignedInAsync()
    {
        var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, "openid profile offline_access")))["code"];
        var tokens = await rp.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        return (rp, tokens);
    }

    [Fact]
    public async Task Refresh_token_rotates_and_the_new_one_works()
    {
        var (rp, tokens) = await SignedInAsync();
        using var _ = rp;

        var refreshed = await rp.RefreshAsync(tokens.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.NotEqual(tokens.RefreshToken, refreshed.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await rp.RefreshAsync(refreshed.RefreshToken!)).Status);
    }

    [Fact]
    public async Task Reused_refresh_token_is_refused_and_revokes_the_whole_family()
    {
        var (rp, tokens) = await SignedInAsync();
        using var _ = rp;
        var rotated = await rp.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, rotated.Status);

        var reuse = await rp.RefreshAsync(tokens.RefreshToken!);

        Assert.Equal("invalid_grant", reuse.Error);
        // The thief may hold the newest token: it dies too.
        Assert.Equal("invalid_grant", (await rp.RefreshAsync(rotated.RefreshToken!)).Error);
    }

    [Fact]
    public async Task Revoked_refresh_token_no_longer_works()
    {
        var (rp, tokens) = await SignedInAsync();
        using var _ = rp;
        using var http = new HttpClient { BaseAddress = idp.BaseAddress };

        using var revoke = await http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = tokens.RefreshToken!,
            ["token_type_hint"] = "refresh_token",
            ["client_id"] = TestSystems.PortalId,
            ["client_secret"] = TestSystems.PortalSecret,
        }));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("invalid_grant", (await rp.RefreshAsync(tokens.RefreshToken!)).Error);
    }

    [Fact]
    public async Task Client_credentials_gives_an_at_jwt_for_the_register_with_the_feed_scope()
    {
        using var rp = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);

        var tokens = await rp.ClientCredentialsAsync("federation.feed");

        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.Null(tokens.IdToken);
        Assert.Null(tokens.RefreshToken);
        var access = await rp.ValidateAsync(tokens.AccessToken!, "federation-inventory", expectedType: "at+jwt");
        Assert.Equal("federation.feed", access.GetClaim("scope").Value);
        Assert.Equal(TestSystems.BatchId, access.GetClaim("client_id").Value);
        Assert.Equal(TestSystems.BatchId, access.Subject);
        Assert.Equal("ES256", access.Alg); // the register is one of the federation's own resource servers (AccessTokenAlgorithmTests)
    }

    [Fact]
    public async Task Access_tokens_are_not_stored_but_refresh_tokens_are()
    {
        var (rp, tokens) = await SignedInAsync();
        using var _ = rp;
        using var batch = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);
        Assert.Equal(HttpStatusCode.OK, (await batch.ClientCredentialsAsync("federation.feed")).Status);

        using var scope = idp.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Federation.Idp.Infrastructure.IdpDbContext>();
        var types = await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>()
            .Select(t => t.Type).Distinct().ToListAsync();

        Assert.Contains(OpenIddict.Abstractions.OpenIddictConstants.TokenTypeIdentifiers.RefreshToken, types);
        Assert.DoesNotContain(OpenIddict.Abstractions.OpenIddictConstants.TokenTypeIdentifiers.AccessToken, types);
        Assert.NotNull(tokens.AccessToken);
    }

    [Fact]
    public async Task Client_credentials_with_a_wrong_secret_is_refused()
    {
        using var rp = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);

        var tokens = await rp.ClientCredentialsAsync("federation.feed", secretOverride: "wrong-secret");

        Assert.Equal("invalid_client", tokens.Error);
    }

    [Fact]
    public async Task Client_credentials_for_a_scope_the_client_was_not_given_is_refused()
    {
        using var rp = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);

        var tokens = await rp.ClientCredentialsAsync("federation.register");

        Assert.Equal("invalid_scope", tokens.Error);
        Assert.Null(tokens.AccessToken);
    }

    [Fact]
    public async Task A_client_without_the_client_credentials_grant_cannot_use_it()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);

        var tokens = await rp.ClientCredentialsAsync("federation.register");

        Assert.Equal("unauthorized_client", tokens.Error);
    }

    [Fact]
    public async Task Introspection_reports_an_access_token_active()
    {
        var (rp, tokens) = await SignedInAsync();
        using var _ = rp;
        using var http = new HttpClient { BaseAddress = idp.BaseAddress };

        using var response = await http.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = tokens.AccessToken!,
            ["client_id"] = TestSystems.PortalId,
            ["client_secret"] = TestSystems.PortalSecret,
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"active\": true", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
