using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Core.Feed;
using Federation.Core.Secrets;
using Federation.Inventory.Apis;
using Federation.Inventory.Domain;
using Federation.Inventory.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Federation.Inventory.Tests.Systems;

public sealed class IntegrationRulesApiSqliteTests(SqliteInventory host) : IntegrationRulesApiTests(host), IClassFixture<SqliteInventory>;

public sealed class IntegrationRulesApiPostgresTests(PostgresInventory host) : IntegrationRulesApiTests(host), IClassFixture<PostgresInventory>;

/// <summary>
/// The register refuses what its consumers cannot apply, keeps integration identifiers unique,
/// never reuses an ETag and never stores or publishes a client secret.
/// </summary>
public abstract class IntegrationRulesApiTests(InventoryHost host)
{
    private static SystemRecord WithClient(string id, IReadOnlyList<string> redirects, IReadOnlyList<string>? scopes = null, string? clientId = null) =>
        Samples.System(id) with
        {
            Integration = new Integration(OidcClient: new FeedOidcClient(clientId ?? $"client-{id}", null, redirects, [], ["authorization_code"], scopes ?? [])),
        };

    public static TheoryData<string, string> BadIntegrations => new()
    {
        { "fragment", "integration.oidcClient.redirectUris[0]" },
        { "http-remote", "integration.oidcClient.redirectUris[0]" },
        { "wildcard", "integration.oidcClient.redirectUris[0]" },
        { "scope-with-space", "integration.oidcClient.scopes[0]" },
        { "dot-segment-path", "integration.backend.publicPath" },
        { "reserved-path", "integration.backend.publicPath" },
        { "acs-fragment", "integration.samlSp.acsUrl" },
        { "acs-http-remote", "integration.samlSp.acsUrl" },
        { "upstream-fragment", "integration.backend.upstreams[0]" },
        { "host-with-scheme", "integration.backend.publicHost" },
        { "host-with-port", "integration.backend.publicHost" },
        { "launch-javascript", "integration.launchUrl" },
        { "launch-http-remote", "integration.launchUrl" },
        // The idp's own tokens to the register: a registered client that got these could write
        // sign-in events or read anyone's releases.
        { "idp-only-scope-events", "integration.oidcClient.scopes[0]" },
        { "idp-only-scope-subject", "integration.oidcClient.scopes[1]" },
        { "idp-client-id", "integration.oidcClient.clientId" },
    };

    private static SystemRecord Bad(string kind)
    {
        var id = "regel-" + kind;
        FeedBackend Backend(string path, string upstream = "http://127.0.0.1:5400") => new(path, [upstream], "/health");
        FeedSamlSp Sp(string acs) => new($"https://{id}.example.se/saml", acs, null, null, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
        return kind switch
        {
            "fragment" => WithClient(id, ["https://lika.example.se/cb#frag"]),
            "http-remote" => WithClient(id, ["http://lika.example.se/cb"]),
            "wildcard" => WithClient(id, ["https://*.example.se/cb"]),
            "scope-with-space" => WithClient(id, ["https://lika.example.se/cb"], ["federation feed"]),
            "idp-only-scope-events" => WithClient(id, ["https://lika.example.se/cb"], ["federation.signin-events"]),
            "idp-only-scope-subject" => WithClient(id, ["https://lika.example.se/cb"], ["federation.feed", "federation.signin-events.subject"]),
            "idp-client-id" => WithClient(id, ["https://lika.example.se/cb"], clientId: "federation-idp"),
            "dot-segment-path" => Samples.System(id) with { Integration = new Integration(Backend: Backend("/gw3/../procapita")) },
            "reserved-path" => Samples.System(id) with { Integration = new Integration(Backend: Backend("/signin-oidc")) },
            "acs-fragment" => Samples.System(id) with { Integration = new Integration(SamlSp: Sp("https://sp.example.se/acs#x")) },
            "acs-http-remote" => Samples.System(id) with { Integration = new Integration(SamlSp: Sp("http://sp.example.se/acs")) },
            "upstream-fragment" => Samples.System(id) with { Integration = new Integration(Backend: Backend("/regel", "http://127.0.0.1:5400/#x")) },
            "host-with-scheme" => Samples.System(id) with { Integration = new Integration(Backend: Backend("/regel-v") with { PublicHost = "https://elevhalsa.skola.example.se" }) },
            "host-with-port" => Samples.System(id) with { Integration = new Integration(Backend: Backend("/regel-p") with { PublicHost = "elevhalsa.skola.example.se:8443" }) },
            // The portal links every user's tile to the launch URL: never a script, never plain http off the machine.
            "launch-javascript" => Samples.System(id) with { Integration = new Integration(LaunchUrl: "javascript:alert(document.cookie)") },
            "launch-http-remote" => Samples.System(id) with { Integration = new Integration(LaunchUrl: "http://phish.example.se/") },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [MemberData(nameof(BadIntegrations))]
    public async Task Integration_fields_a_consumer_cannot_apply_are_refused_naming_the_field(string kind, string field)
    {
        var response = await host.Admin().PostJson("/api/systems", Bad(kind));

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync($"/api/systems/regel-{kind}")).StatusCode);
    }

    [Fact]
    public async Task Loopback_http_and_https_redirects_are_accepted()
    {
        var response = await host.Admin().PostJson("/api/systems",
            WithClient("regel-ok", ["https://lika.example.se/cb", "http://127.0.0.1:5300/scalar/", "http://localhost:8080/cb"]));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Saml_entity_id_and_gateway_path_used_by_another_system_are_409_naming_the_field()
    {
        var admin = host.Admin();
        var schoolsoft = (await (await host.Anonymous().GetAsync("/api/systems/schoolsoft")).Read<SystemRecord>()).Integration!.SamlSp!;
        var samlClash = await admin.PostJson("/api/systems", Samples.System("saml-krock") with
        {
            Integration = new Integration(SamlSp: schoolsoft with { AcsUrl = "https://annan.example.se/acs" }),
        });
        Assert.Contains("integration.samlSp.entityId", (await samlClash.Problem(HttpStatusCode.Conflict)).ErrorFields());

        var pathClash = await admin.PostJson("/api/systems", Samples.System("vag-krock") with
        {
            Integration = new Integration(Backend: new FeedBackend("/procapita", ["http://127.0.0.1:5499"], "/health")),
        });
        Assert.Contains("integration.backend.publicPath", (await pathClash.Problem(HttpStatusCode.Conflict)).ErrorFields());

        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/api/systems/saml-krock")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/api/systems/vag-krock")).StatusCode);
    }

    [Fact]
    public async Task A_gateway_host_used_by_another_system_is_409_naming_the_field()
    {
        var admin = host.Admin();
        SystemRecord OnHost(string id, string path, string publicHost) => Samples.System(id) with
        {
            Integration = new Integration(Backend: new FeedBackend(path, ["http://127.0.0.1:5499"], "/health", PublicHost: publicHost)),
        };
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJson("/api/systems", OnHost("vard-a", "/vard-a", "vard.skola.example.se"))).StatusCode);
        var other = await admin.PostJson("/api/systems", OnHost("vard-b", "/vard-b", "annan.skola.example.se"));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);

        var created = await admin.PostJson("/api/systems", OnHost("vard-krock", "/vard-krock", "vard.skola.example.se"));
        var moved = await admin.PutJson("/api/systems/vard-b", OnHost("vard-b", "/vard-b", "vard.skola.example.se"), other.ETagOf());

        foreach (var clash in new[] { created, moved })
        {
            var problem = await clash.Problem(HttpStatusCode.Conflict);
            Assert.Equal(["integration.backend.publicHost"], problem.ErrorFields());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/api/systems/vard-krock")).StatusCode);
        // The system keeps its own host on an update that does not change it.
        Assert.Equal(HttpStatusCode.OK,
            (await admin.PutJson("/api/systems/vard-a", OnHost("vard-a", "/vard-a", "vard.skola.example.se") with { Name = "Vård" },
                (await host.Anonymous().GetAsync("/api/systems/vard-a")).ETagOf())).StatusCode);
    }

    [Fact]
    public async Task An_etag_is_never_reused_across_delete_and_re_create()
    {
        var admin = host.Admin();
        var first = (await admin.PostJson("/api/systems", Samples.System("ateruppstar"))).ETagOf();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Delete("/api/systems/ateruppstar", first)).StatusCode);
        var second = (await admin.PostJson("/api/systems", Samples.System("ateruppstar"))).ETagOf();

        Assert.NotEqual(first, second);
        // A writer holding the ETag of the deleted system cannot overwrite the new one.
        var stale = await admin.PutJson("/api/systems/ateruppstar", Samples.System("ateruppstar") with { Name = "Gammal" }, first);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Fact]
    public async Task A_client_secret_is_stored_and_published_only_as_a_hash()
    {
        const string secret = "hemlig-klientnyckel-7Qm2xZ";
        var body = Samples.System("bara-hash") with
        {
            Integration = new Integration(OidcClient: new FeedOidcClient("client-bara-hash", null, ["https://bara-hash.example.se/cb"], [],
                ["authorization_code", "client_credentials"], [])
            { ClientSecret = secret }),
        };
        Assert.Equal(HttpStatusCode.Created, (await host.Admin().PostJson("/api/systems", body)).StatusCode);

        await using var db = host.OpenDb();
        var documents = await db.Systems.AsNoTracking().Select(s => s.Document).ToListAsync();
        var audit = await db.Audit.AsNoTracking().Select(e => (e.Before ?? "") + (e.After ?? "")).ToListAsync();
        Assert.DoesNotContain(documents.Concat(audit), text => text.Contains(secret, StringComparison.Ordinal));

        var feedJson = await (await host.FeedReader().GetAsync("/api/federation/feed")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, feedJson, StringComparison.Ordinal);
        var feed = System.Text.Json.JsonSerializer.Deserialize<FederationFeed>(feedJson, FederationFeed.JsonOptions)!;
        var published = feed.FindByClientId("client-bara-hash")!.OidcClient!;
        Assert.True(ClientSecretHash.Verify(secret, published.ClientSecretHash));
        Assert.False(ClientSecretHash.Verify(secret + "x", published.ClientSecretHash));

        // The API shows that a secret is set, never the secret or its hash.
        var shown = await (await host.Anonymous().GetAsync("/api/systems/bara-hash")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", shown, StringComparison.Ordinal);
        Assert.Contains($"\"clientSecret\":\"{SystemRecord.SecretMask}\"", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_stored_before_the_rules_is_a_finding()
    {
        Assert.Equal(HttpStatusCode.Created, (await host.Admin().PostJson("/api/systems", Samples.System("gammal-post"))).StatusCode);
        await using var db = host.OpenDb();
        // As an older register could have stored it: a redirect URI with a fragment.
        await db.Systems.Where(s => s.Id == "gammal-post").ExecuteUpdateAsync(u => u.SetProperty(
            s => s.Document, s => s.Document.Replace("https://gammal-post.example.se/signin-oidc", "https://gammal-post.example.se/cb#frag")));

        var report = await (await host.Anonymous().GetAsync("/api/reports/findings?system=gammal-post")).Read<JsonObject>();
        var finding = Assert.Single(report["findings"]!.AsArray(), f => f!["rule"]!.GetValue<string>() == "INTEGRATION_NOT_APPLICABLE");
        Assert.Contains("integration.oidcClient.redirectUris[0]", finding!["action"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_import_over_the_size_limit_is_413_and_changes_nothing()
    {
        var before = await (await host.Anonymous().GetAsync("/api/systems")).Read<JsonObject>();
        var huge = "[" + new string(' ', (int)ImportApi.MaxBodyBytes) + "]";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/systems/import")
        {
            Content = new StringContent(huge, Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true; // the server refuses by Content-Length before the upload

        var response = await host.Admin().SendAsync(request);

        await response.Problem(HttpStatusCode.RequestEntityTooLarge);
        var after = await (await host.Anonymous().GetAsync("/api/systems")).Read<JsonObject>();
        Assert.Equal(before["total"]!.GetValue<int>(), after["total"]!.GetValue<int>());
    }
}
