using System.Net;
using Federation.Inventory.Apis;
using Federation.Inventory.Retention;
using Federation.Inventory.Tests.Retention;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.SignInEvents;

/// <summary>
/// <c>GET /api/signin-events/subjects/{subject}</c>: what the federation released about one person,
/// read by the idp for that person's page "Mina uppgifter". Only the idp's own token with the scope
/// may read it: never a person's token, another client's, or the idp's token for another purpose.
/// One register (with a clock the retention test turns) for the class.
/// </summary>
public sealed class SubjectReleasesApiTests(FakeClockSqliteInventory host) : IClassFixture<FakeClockSqliteInventory>
{
    private const string Path = "/api/signin-events/subjects/";
    private const string SubjectScope = "federation.signin-events.subject";

    private HttpClient Idp(string scope = SubjectScope) =>
        host.WithToken(host.Issuer.Mint("federation-idp", scope: scope, clientId: "federation-idp"));

    private HttpClient IdpWriter() => Idp("federation.signin-events");

    private async Task Release(string subject, string clientOrSystem, DateTimeOffset at, params string[] attributes)
    {
        var response = await IdpWriter().PostJson("/api/signin-events", new SignInEventRequest(at, "oidc", "local", null, subject, subject, "released", "loa2",
            SystemId: clientOrSystem, Released: attributes));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task The_idp_reads_one_persons_releases_newest_first_with_each_systems_purposes_and_legal_basis()
    {
        var now = host.Clock.GetUtcNow();
        await Release("elev-releases-1", "schoolsoft", now.AddHours(-2), "eppn", "given_name");
        await Release("elev-releases-1", "procapita", now.AddHours(-1), "name", "personnummer");
        await Release("someone-else-1", "procapita", now.AddMinutes(-30), "name", "personnummer");
        // A sign-in that released nothing is not a release.
        await IdpWriter().PostJson("/api/signin-events", new SignInEventRequest(now, "oidc", "local", null, "elev-releases-1", "elev", "success", "loa2"));

        var mine = await (await Idp().GetAsync(Path + "elev-releases-1")).Read<SubjectReleases>();

        Assert.Equal("elev-releases-1", mine.Subject);
        Assert.Equal(["procapita", "schoolsoft"], mine.Releases.Select(r => r.SystemId));
        Assert.Equal(["name", "personnummer"], mine.Releases[0].Attributes);
        var procapita = Assert.Single(mine.Systems, s => s.Id == "procapita");
        Assert.Equal("ProCapita Education", procapita.Name);
        Assert.Contains("Avgiftshantering och inkomstförfrågan", procapita.Purposes);
        Assert.Equal(["c", "e"], procapita.LegalBasis.Select(b => b.Letter));
        Assert.All(procapita.LegalBasis, b => Assert.NotEqual(b.Letter, b.Sv));
        Assert.Equal(90, mine.RetentionDays);
        Assert.Equal(2, mine.Systems.Count);
    }

    [Fact]
    public async Task A_person_never_reads_releases_through_their_own_or_another_clients_token()
    {
        await Release("elev-releases-2", "procapita", host.Clock.GetUtcNow(), "name");
        var refused = new Dictionary<string, HttpClient>
        {
            // The person's own access token from a sign-in (even at a client that were given the scope).
            ["person's token"] = host.WithToken(host.Issuer.Mint("elev-releases-2", roles: ["elev"], scope: "openid " + SubjectScope, clientId: "federation-gateway")),
            // A person's token issued to the idp's client id is still a person's, not the idp's own.
            ["person's token for the idp's client id"] = host.WithToken(host.Issuer.Mint("elev-releases-2", scope: SubjectScope, clientId: "federation-idp")),
            ["another client with the scope"] = host.WithToken(host.Issuer.Mint("federation-gateway", scope: SubjectScope, clientId: "federation-gateway")),
            ["the idp without the scope (its event writer token)"] = IdpWriter(),
            ["the idp's feed token"] = Idp("federation.feed"),
            ["register admin"] = host.Admin(),
        };
        foreach (var (who, client) in refused)
        {
            var response = await client.GetAsync(Path + "elev-releases-2");
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{who}: {(int)response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().GetAsync(Path + "elev-releases-2")).StatusCode);
        // The writer's own endpoint names no one either: a release is write-only for the idp.
        Assert.Equal(HttpStatusCode.Forbidden, (await IdpWriter().GetAsync("/api/signin-events?subject=elev-releases-2")).StatusCode);
    }

    [Fact]
    public async Task A_release_names_only_attributes_of_the_catalog_never_values()
    {
        var response = await IdpWriter().PostJson("/api/signin-events", new SignInEventRequest(null, "oidc", "local", null, "elev-releases-3", "elev", "released", "loa2",
            SystemId: "procapita", Released: ["personnummer", "19120101-1234"]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await (await Idp().GetAsync(Path + "elev-releases-3")).Read<SubjectReleases>()).Releases);
    }

    [Fact]
    public async Task Retention_deletes_releases_the_person_would_see()
    {
        var now = host.Clock.GetUtcNow();
        await Release("elev-releases-4", "schoolsoft", now.AddDays(-120), "eppn");
        await Release("elev-releases-4", "schoolsoft", now.AddDays(-1), "eppn");

        var run = await (await host.Admin().PostAsync("/api/signin-events/retention", null)).Read<RetentionRun>();

        Assert.Equal(90, run.RetentionDays);
        var kept = await (await Idp().GetAsync(Path + "elev-releases-4")).Read<SubjectReleases>();
        Assert.Equal([now.AddDays(-1).ToUnixTimeSeconds()], kept.Releases.Select(r => r.OccurredAt.ToUnixTimeSeconds()));
    }
}
