using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Core.Attributes;
using Federation.Core.Feed;
using Federation.Core.Secrets;
using Federation.Inventory.Domain;
using Federation.Inventory.Register;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.Systems;

public sealed class SystemsApiSqliteTests(SqliteInventory host) : SystemsApiTests(host), IClassFixture<SqliteInventory>;

public sealed class SystemsApiPostgresTests(PostgresInventory host) : SystemsApiTests(host), IClassFixture<PostgresInventory>;

/// <summary>CRUD, validation, concurrency and body handling of <c>/api/systems</c>, once per database provider.</summary>
public abstract class SystemsApiTests(InventoryHost host)
{
    [Fact]
    public async Task Demo_register_is_loaded_on_first_start()
    {
        var page = await (await host.Anonymous().GetAsync("/api/systems?pageSize=1000")).Read<SystemPage>();

        var ids = page.Items.Select(s => s.Id).ToList();
        foreach (var id in new[] { "federation", "procapita", "schoolsoft", "google-workspace", "microsoft-365", "intranat",
                     "e-skolskjuts", "e-modersmal", "e-barnomsorg", "e-gymnasieansokan", "forskoleportalen", "ils", "lika", "larplattor" })
        {
            Assert.Contains(id, ids);
        }

        var federation = page.Items.Single(s => s.Id == "federation");
        Assert.Equal("federation-gateway", federation.Integration!.OidcClient!.ClientId);
        Assert.Equal(90, federation.Processing.RetentionDays);
        Assert.Equal(LifecyclePhase.Avveckling, page.Items.Single(s => s.Id == "ils").Lifecycle);
    }

    [Fact]
    public async Task Create_then_get_returns_the_system_with_its_etag_and_hides_the_secret()
    {
        var admin = host.Admin();
        var created = await admin.PostJson("/api/systems", Samples.System("skapa-hamta"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/systems/skapa-hamta", created.Headers.Location?.OriginalString);
        var etag = created.ETagOf();

        var got = await host.Anonymous().GetAsync("/api/systems/skapa-hamta");
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal(etag, got.ETagOf());
        var record = await got.Read<SystemRecord>();
        Assert.Equal("Testsystem skapa-hamta – åäö", record.Name);
        Assert.Equal(SystemRecord.SecretMask, record.Integration!.OidcClient!.ClientSecret);
    }

    [Fact]
    public async Task Unknown_id_is_404_and_duplicate_id_is_409()
    {
        var missing = await host.Anonymous().GetAsync("/api/systems/finns-inte");
        var problem = await missing.Problem(HttpStatusCode.NotFound);
        Assert.Contains("finns-inte", problem["detail"]!.GetValue<string>());

        var admin = host.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJson("/api/systems", Samples.System("dubblett"))).StatusCode);
        var again = await admin.PostJson("/api/systems", Samples.System("dubblett") with { Integration = null });
        var conflict = await again.Problem(HttpStatusCode.Conflict);
        Assert.Contains("id", conflict.ErrorFields());
    }

    [Fact]
    public async Task Client_id_used_by_another_system_is_409_naming_the_field()
    {
        var taken = Samples.System("klient-krock") with
        {
            Integration = new Integration(OidcClient: new FeedOidcClient("federation-gateway", null, ["https://x.example.se/cb"], [], ["authorization_code"], [])),
        };
        var response = await host.Admin().PostJson("/api/systems", taken);
        var problem = await response.Problem(HttpStatusCode.Conflict);
        Assert.Contains("integration.oidcClient.clientId", problem.ErrorFields());
    }

    [Fact]
    public async Task Validation_names_every_bad_field()
    {
        var sample = Samples.System("valid-id");
        var bad = sample with
        {
            Id = "Inte En Slug",
            Name = "",
            Processing = sample.Processing with { LegalBasis = ["x"], SpecialCategories = ["skostorlek"], RetentionDays = 0 },
            Access = sample.Access with { AssuranceLevel = "loa9", Release = ["email", "favorite_color"] },
            Integration = new Integration(Backend: new FeedBackend("procapita/", [], null)),
        };

        var response = await host.Admin().PostJson("/api/systems", bad);

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        var fields = problem.ErrorFields();
        foreach (var field in new[] { "id", "name", "processing.legalBasis[0]", "processing.specialCategories[0]", "processing.retentionDays",
                     "access.assuranceLevel", "access.release[1]", "integration.backend.publicPath", "integration.backend.upstreams" })
        {
            Assert.Contains(field, fields);
        }
    }

    [Fact]
    public async Task Releasing_an_attribute_outside_the_record_of_processing_is_refused_naming_the_attribute()
    {
        var sample = Samples.System("utan-personnummer");
        var system = sample with { Access = sample.Access with { Release = ["name", "personnummer"] } };

        var response = await host.Admin().PostJson("/api/systems", system);

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        var message = problem["errors"]!["access.release[1]"]![0]!.GetValue<string>();
        Assert.Contains("'personnummer'", message);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/api/systems/utan-personnummer")).StatusCode);

        // Registering the category makes the same release lawful.
        var registered = system with
        {
            Processing = system.Processing with { PersonalDataCategories = [.. system.Processing.PersonalDataCategories, PersonalDataCategory.PersonalIdentityNumber] },
        };
        Assert.Equal(HttpStatusCode.Created, (await host.Admin().PostJson("/api/systems", registered)).StatusCode);
    }

    [Fact]
    public async Task Put_and_delete_need_a_current_etag()
    {
        var admin = host.Admin();
        var created = await admin.PostJson("/api/systems", Samples.System("etag-flode"));
        var etag = created.ETagOf();
        var changed = Samples.System("etag-flode") with { Name = "Nytt namn" };

        await (await admin.PutJson("/api/systems/etag-flode", changed, null)).Problem((HttpStatusCode)428);
        await (await admin.PutJson("/api/systems/etag-flode", changed, "\"999999\"")).Problem(HttpStatusCode.PreconditionFailed);
        await (await admin.PutJson("/api/systems/finns-inte", Samples.System("finns-inte"), etag)).Problem(HttpStatusCode.NotFound);

        var updated = await admin.PutJson("/api/systems/etag-flode", changed, etag);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var newEtag = updated.ETagOf();
        Assert.NotEqual(etag, newEtag);
        Assert.Equal("Nytt namn", (await updated.Read<SystemRecord>()).Name);

        await (await admin.Delete("/api/systems/etag-flode", null)).Problem((HttpStatusCode)428);
        await (await admin.Delete("/api/systems/etag-flode", etag)).Problem(HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Delete("/api/systems/etag-flode", newEtag)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/api/systems/etag-flode")).StatusCode);
    }

    [Fact]
    public async Task Twenty_concurrent_updates_with_the_same_etag_have_exactly_one_winner()
    {
        var admin = host.Admin();
        var etag = (await admin.PostJson("/api/systems", Samples.System("samtidig"))).ETagOf();

        var attempts = Enumerable.Range(1, 20).Select(async i =>
        {
            var body = Samples.System("samtidig") with { Description = $"Ändring nummer {i}" };
            var response = await admin.PutJson("/api/systems/samtidig", body, etag);
            return (i, response.StatusCode);
        }).ToList();
        var results = await Task.WhenAll(attempts);

        var winners = results.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Single(winners);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));

        // The winner's change is what is stored, and the audit log holds exactly that one update.
        var stored = await (await host.Anonymous().GetAsync("/api/systems/samtidig")).Read<SystemRecord>();
        Assert.Equal($"Ändring nummer {winners[0].i}", stored.Description);
        var audit = await (await admin.GetAsync("/api/audit?target=system:samtidig")).Read<List<JsonObject>>();
        Assert.Single(audit, e => e["action"]!.GetValue<string>() == "update");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_400_and_a_huge_body_is_413()
    {
        var admin = host.Admin();
        var notJson = await admin.PostAsync("/api/systems", new StringContent("{ this is not json", Encoding.UTF8, "application/json"));
        await notJson.Problem(HttpStatusCode.BadRequest);

        var wrongType = await admin.PostAsync("/api/systems",
            new StringContent("""{"id":"typfel","lifecycle":"Nedlagd"}""", Encoding.UTF8, "application/json"));
        var problem = await wrongType.Problem(HttpStatusCode.BadRequest);
        Assert.Contains("lifecycle", problem.ErrorFields());

        var huge = "{\"id\":\"stor\",\"description\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        // Expect: 100-continue lets the server refuse by Content-Length before the body is sent;
        // otherwise the server's early 413 and close can race the client's upload (broken pipe).
        using var hugeRequest = new HttpRequestMessage(HttpMethod.Post, "/api/systems")
        {
            Content = new StringContent(huge, Encoding.UTF8, "application/json"),
        };
        hugeRequest.Headers.ExpectContinue = true;
        var tooLarge = await admin.SendAsync(hugeRequest);
        await tooLarge.Problem(HttpStatusCode.RequestEntityTooLarge);

        var empty = await admin.PostAsync("/api/systems", new StringContent("", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task Search_and_filters_find_the_demo_systems()
    {
        var client = host.Anonymous();
        async Task<List<string>> Ids(string query) =>
            (await (await client.GetAsync("/api/systems?pageSize=1000&" + query)).Read<SystemPage>()).Items.Select(s => s.Id).ToList();

        Assert.Contains("procapita", await Ids("q=PROCAPITA"));
        Assert.Contains("forskoleportalen", await Ids("q=förskole"));
        Assert.Equal(["ils"], await Ids("lifecycle=Avveckling"));
        Assert.Contains("google-workspace", await Ids("category=molntjänst"));
        Assert.DoesNotContain("procapita", await Ids("category=molntjänst"));
        var thirdCountry = await Ids("thirdCountryTransfer=true");
        Assert.Contains("google-workspace", thirdCountry);
        Assert.Contains("microsoft-365", thirdCountry);
        Assert.DoesNotContain("procapita", thirdCountry);
        var citizens = await Ids("dataSubject=medborgare");
        Assert.Contains("e-skolskjuts", citizens);
        Assert.DoesNotContain("microsoft-365", citizens);
        var withFindings = await Ids("hasFindings=true");
        Assert.Contains("lika", withFindings);
        Assert.DoesNotContain("forskoleportalen", withFindings);
        Assert.Contains("forskoleportalen", await Ids("hasFindings=false"));

        var page = await (await client.GetAsync("/api/systems?pageSize=2&page=2")).Read<SystemPage>();
        Assert.Equal(2, page.Items.Count);
        await (await client.GetAsync("/api/systems?pageSize=0")).Problem(HttpStatusCode.BadRequest);
        await (await client.GetAsync("/api/systems?lifecycle=Nedlagd")).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Writing_back_the_masked_secret_keeps_the_stored_one()
    {
        var admin = host.Admin();
        await admin.PostJson("/api/systems", Samples.System("hemlighet"));
        var got = await host.Anonymous().GetAsync("/api/systems/hemlighet");
        var record = await got.Read<SystemRecord>();

        Assert.Equal(HttpStatusCode.OK, (await admin.PutJson("/api/systems/hemlighet", record with { Name = "Ändrad" }, got.ETagOf())).StatusCode);

        var feed = await (await host.FeedReader().GetAsync("/api/federation/feed")).Read<FederationFeed>();
        Assert.True(ClientSecretHash.Verify("secret-hemlighet", feed.Systems.Single(s => s.Id == "hemlighet").OidcClient!.ClientSecretHash));
    }

    [Fact]
    public async Task Writes_need_the_register_admin_role_and_a_valid_access_token()
    {
        var body = Samples.System("behorighet");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().PostJson("/api/systems", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.WithToken(host.Issuer.Teacher()).PostJson("/api/systems", body)).StatusCode);

        var wrongAudience = host.Issuer.Mint("ulf.admin", roles: ["register-admin"], audience: "someone-else");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.WithToken(wrongAudience).PostJson("/api/systems", body)).StatusCode);
        var idToken = host.Issuer.Mint("ulf.admin", roles: ["register-admin"], type: "JWT");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.WithToken(idToken).PostJson("/api/systems", body)).StatusCode);
        var expired = host.Issuer.Mint("ulf.admin", roles: ["register-admin"], expires: DateTime.UtcNow.AddMinutes(-10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.WithToken(expired).PostJson("/api/systems", body)).StatusCode);
        var foreignKey = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "test-key-1" };
        var forged = host.Issuer.Mint("ulf.admin", roles: ["register-admin"], signingKey: foreignKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.WithToken(forged).PostJson("/api/systems", body)).StatusCode);

        var problem = await (await host.Anonymous().PostJson("/api/systems", body)).Content.ReadAsStringAsync();
        Assert.Contains("\"status\":401", problem);
        Assert.Equal(HttpStatusCode.Created, (await host.Admin().PostJson("/api/systems", body)).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_and_the_scalar_reference_page_are_served()
    {
        var client = host.Anonymous();
        var document = await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var paths = document!["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/systems", paths);
        Assert.Contains("/api/systems/{id}", paths);
        Assert.Contains("/api/federation/feed", paths);

        var page = await client.GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync());
    }
}
