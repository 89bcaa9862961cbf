using System.Net;
using System.Text.Json;
using Federation.Core.Feed;
using Federation.Core.Secrets;
using Federation.Idp.Infrastructure;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

namespace Federation.Idp.Tests.Clients;

/// <summary>
/// One client the idp cannot apply must not hold up the others: it is skipped and reported,
/// everything else follows the register. Secrets are verified against the register's hash.
/// </summary>
public sealed class ClientSyncIsolationTests(IdpHost idp) : IClassFixture<IdpHost>
{
    private static readonly FeedAccessPolicy Anyone = new([], [], [], "loa2");

    private static FeedSystem Machine(string id, string secret, IReadOnlyList<string>? redirects = null) =>
        new(id, id, LifecyclePhase.AnvandningOchSupport, Anyone, [],
            new FeedOidcClient(id, ClientSecretHash.Create(secret), redirects ?? [], [], ["client_credentials"], ["federation.feed"]));

    [Fact]
    public async Task A_client_the_idp_cannot_apply_is_skipped_and_reported_while_the_others_follow_the_register()
    {
        using var removed = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);
        Assert.Equal(HttpStatusCode.OK, (await removed.ClientCredentialsAsync("federation.feed")).Status);
        using var brokenExisting = new RelyingParty(idp, TestSystems.MinimalId, TestSystems.MinimalSecret, TestSystems.Redirect);
        var (_, challenge) = RelyingParty.Pkce();
        Assert.Equal(HttpStatusCode.Redirect, (await brokenExisting.Browser.GetAsync(brokenExisting.AuthorizeUrl(challenge))).StatusCode);

        // One feed version: a new client with a redirect URI the idp cannot take, a good new
        // client registered after it, an existing client changed to a bad registration, and a
        // client removed.
        await idp.PublishAsync(systems => systems
            .Where(s => s.OidcClient?.ClientId != TestSystems.BatchId)
            .Select(s => s.OidcClient?.ClientId == TestSystems.MinimalId
                ? s with { OidcClient = s.OidcClient with { RedirectUris = ["https://lika.example.se/cb#frag"] } }
                : s)
            .Append(Machine("trasig", "trasig-hemlighet-123456", ["https://lika.example.se/cb#frag"]))
            .Append(Machine("ny-efter", "ny-efter-hemlighet-123456")));

        using var good = new RelyingParty(idp, "ny-efter", "ny-efter-hemlighet-123456", TestSystems.Redirect);
        Assert.Equal(HttpStatusCode.OK, (await good.ClientCredentialsAsync("federation.feed")).Status);
        Assert.Equal("invalid_client", (await removed.ClientCredentialsAsync("federation.feed")).Error);
        using var bad = new RelyingParty(idp, "trasig", "trasig-hemlighet-123456", TestSystems.Redirect);
        Assert.Equal("invalid_client", (await bad.ClientCredentialsAsync("federation.feed")).Error);
        // The changed client does not keep working with its old registration.
        Assert.Equal(HttpStatusCode.BadRequest, (await brokenExisting.Browser.GetAsync(brokenExisting.AuthorizeUrl(challenge))).StatusCode);

        using var scope = idp.Services.CreateScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        Assert.Null(await applications.FindByClientIdAsync("trasig"));
        Assert.Null(await applications.FindByClientIdAsync(TestSystems.MinimalId));

        // Reported: readiness detail (still ready, every other client works) and a metric.
        using var http = idp.CreateManagementClient();
        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        var clients = checks.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "clients");
        Assert.Equal("Degraded", clients.GetProperty("status").GetString());
        var detail = clients.GetProperty("description").GetString()!;
        Assert.Contains("trasig", detail, StringComparison.Ordinal);
        Assert.Contains(TestSystems.MinimalId, detail, StringComparison.Ordinal);
        Assert.Contains("fragment", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("ny-efter", detail, StringComparison.Ordinal);

        var metrics = "";
        await Eventually.TrueAsync(async () =>
            (metrics = await http.GetStringAsync("/metrics")).Contains("federation_idp_clients_skipped", StringComparison.Ordinal), seconds: 30);
        Assert.Contains("client=\"trasig\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_credentials_are_checked_against_the_hash_from_the_register()
    {
        var system = Machine("hashad", "ratt-hemlighet-123456");
        await idp.PublishAsync(systems => systems.Append(system));

        using var right = new RelyingParty(idp, "hashad", "ratt-hemlighet-123456", TestSystems.Redirect);
        Assert.Equal(HttpStatusCode.OK, (await right.ClientCredentialsAsync("federation.feed")).Status);
        using var wrong = new RelyingParty(idp, "hashad", "fel-hemlighet-123456", TestSystems.Redirect);
        Assert.Equal("invalid_client", (await wrong.ClientCredentialsAsync("federation.feed")).Error);
        // The hash itself is no password.
        using var hash = new RelyingParty(idp, "hashad", system.OidcClient!.ClientSecretHash, TestSystems.Redirect);
        Assert.Equal("invalid_client", (await hash.ClientCredentialsAsync("federation.feed")).Error);

        // The idp keeps the register's hash as it came, never a secret of its own making.
        using var scope = idp.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var stored = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking()
            .Where(a => a.ClientId == "hashad").Select(a => a.ClientSecret).SingleAsync();
        Assert.Equal(system.OidcClient.ClientSecretHash, stored);
    }
}
