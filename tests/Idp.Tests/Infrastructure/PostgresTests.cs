using System.Net;

namespace Federation.Idp.Tests.Infrastructure;

/// <summary>The scale-out configuration: same flows, state in PostgreSQL, keys surviving a restart.</summary>
public sealed class PostgresTests(PostgresIdpHost idp) : IClassFixture<PostgresIdpHost>
{
    [Fact]
    public async Task Code_flow_refresh_and_client_credentials_work_on_postgres_and_survive_a_restart()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, "openid offline_access"), "rolf.rektor"))["code"];
        var tokens = await rp.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);

        await idp.RestartAsync();

        using var after = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        await after.ValidateAsync(tokens.IdToken!, TestSystems.PortalId);
        var refreshed = await after.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Equal("invalid_grant", (await after.RefreshAsync(tokens.RefreshToken!)).Error);
        using var batch = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);
        Assert.Equal(HttpStatusCode.OK, (await batch.ClientCredentialsAsync("federation.feed")).Status);
    }
}
