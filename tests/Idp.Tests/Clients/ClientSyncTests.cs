using System.Net;
using Federation.Core.Feed;
using Federation.Core.Secrets;
using Federation.Idp.Tests.Infrastructure;

namespace Federation.Idp.Tests.Clients;

/// <summary>Clients follow the register's feed without a restart.</summary>
public sealed class ClientSyncTests(IdpHost idp) : IClassFixture<IdpHost>
{
    private const string NewClient = "ny-e-tjanst";

    [Fact]
    public async Task A_client_removed_from_the_register_stops_getting_tokens_within_60_seconds()
    {
        using var rp = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);
        Assert.Equal(HttpStatusCode.OK, (await rp.ClientCredentialsAsync("federation.feed")).Status);

        idp.Feed.Publish(systems => systems.Where(s => s.OidcClient?.ClientId != TestSystems.BatchId));

        await Eventually.TrueAsync(async () => (await rp.ClientCredentialsAsync("federation.feed")).Error == "invalid_client", seconds: 60);
    }

    [Fact]
    public async Task A_retired_system_loses_its_refresh_tokens()
    {
        using var rp = new RelyingParty(idp, TestSystems.MinimalId, TestSystems.MinimalSecret, TestSystems.Redirect);
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, "openid offline_access")))["code"];
        var tokens = await rp.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);

        await idp.PublishAsync(systems => systems.Select(s => s.OidcClient?.ClientId == TestSystems.MinimalId
            ? s with { Lifecycle = LifecyclePhase.Avvecklad }
            : s));

        Assert.Equal("invalid_client", (await rp.RefreshAsync(tokens.RefreshToken!)).Error);
        var response = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_client_added_to_the_register_gets_tokens_without_a_restart()
    {
        using var rp = new RelyingParty(idp, NewClient, "ny-e-tjanst-secret-1234", TestSystems.Redirect);
        Assert.Equal("invalid_client", (await rp.ClientCredentialsAsync("federation.feed")).Error);

        await idp.PublishAsync(systems => systems.Append(new FeedSystem("ny", "Ny e-tjänst", LifecyclePhase.Driftsattning,
            new FeedAccessPolicy([], [], [], "loa2"), [],
            new FeedOidcClient(NewClient, ClientSecretHash.Create("ny-e-tjanst-secret-1234"), [], [], ["client_credentials"], ["federation.feed"]))));

        Assert.Equal(HttpStatusCode.OK, (await rp.ClientCredentialsAsync("federation.feed")).Status);
    }

    [Fact]
    public async Task A_registration_never_gets_the_idps_own_scopes_or_client_id()
    {
        // As if a register had let them through: the idp's own tokens to the register write sign-in
        // events and read one person's releases, so no registered client may obtain one.
        const string Secret = "intrang-secret-1234";
        FeedSystem Client(string systemId, string clientId, params string[] scopes) => new(systemId, systemId, LifecyclePhase.Driftsattning,
            new FeedAccessPolicy([], [], [], "loa2"), [],
            new FeedOidcClient(clientId, ClientSecretHash.Create(Secret), [], [], ["client_credentials"], ["federation.feed", .. scopes]));
        await idp.PublishAsync(systems => systems.Concat(
        [
            Client("intrang-subject", "intrang-subject", "federation.signin-events.subject"),
            Client("intrang-events", "intrang-events", "federation.signin-events"),
            Client("intrang-idp", "federation-idp"),
        ]));

        foreach (var (clientId, scope) in new[]
                 {
                     ("intrang-subject", "federation.signin-events.subject"), ("intrang-events", "federation.signin-events"), ("federation-idp", "federation.feed"),
                 })
        {
            using var rp = new RelyingParty(idp, clientId, Secret, TestSystems.Redirect);
            var tokens = await rp.ClientCredentialsAsync(scope);
            Assert.True(tokens.AccessToken is null, $"{clientId} got a token for {scope}");
            Assert.Contains(tokens.Error, new[] { "invalid_client", "invalid_scope" });
        }
    }

    [Fact]
    public async Task The_feed_is_read_with_a_token_the_idp_signed_itself_for_the_register()
    {
        using var rp = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);
        var authorization = idp.Feed.FeedAuthorizations.First(a => a is not null)!;
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);

        var token = await rp.ValidateAsync(authorization["Bearer ".Length..], "federation-inventory", expectedType: "at+jwt");

        Assert.Equal("federation.feed", token.GetClaim("scope").Value);
        Assert.Equal("federation-idp", token.GetClaim("client_id").Value);
    }
}
