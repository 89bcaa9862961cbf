using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Core.Feed;
using Federation.Inventory.Domain;
using Federation.Inventory.Register;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.Import;

public sealed class ImportSqliteTests(SqliteInventory host) : ImportTests(host), IClassFixture<SqliteInventory>;

public sealed class ImportPostgresTests(PostgresInventory host) : ImportTests(host), IClassFixture<PostgresInventory>;

/// <summary><c>POST /api/systems/import</c>: CSV and JSON, idempotent, per-row errors, all or nothing.</summary>
public abstract class ImportTests(InventoryHost host)
{
    private const string Header =
        "id;name;vendor;category;owner;administrator;lifecycle;controller;controller_contact;purposes;legal_basis;data_subjects;personal_data;" +
        "special_categories;third_countries;third_country_recipients;third_country_safeguards;retention;retention_days;processor;" +
        "processor_agreement_signed;processor_agreement_expires;dpia_done;roles;assurance_level;release\r\n";

    private static string Row(string id, string name, string lifecycle = "Användning och support", string release = "name|email",
        string retentionDays = "365", string expires = "2030-12-31") =>
        $"{id};\"{name}\";Leverantör AB;skolplattform;Bildningsförvaltningen;Utvecklingsavdelningen;{lifecycle};Bildningsnämnden;bn@kommun.example.se;" +
        $"\"Undervisning|Kontakt med vårdnadshavare\";Art. 6.1 e;elever|vardnadshavare;identifier|name|contact;;USA;Leverantör Inc;SCC 2021/914;" +
        $"Gallras efter ett år;{retentionDays};Leverantör AB;ja;{expires};ja;larare|rektor;loa2;{release}\r\n";

    private Task<HttpResponseMessage> PostCsv(string csv) =>
        host.Admin().PostAsync("/api/systems/import", new ByteArrayContent([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)])
        {
            Headers = { ContentType = new("text/csv") },
        });

    [Fact]
    public async Task Csv_import_creates_then_is_idempotent_then_updates()
    {
        var csv = Header + Row("csv-ett", "Ett – åäö") + Row("csv-tva", "Två; med semikolon");

        var first = await PostCsv(csv);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var result = await first.Read<ImportResult>();
        Assert.Equal(["csv-ett", "csv-tva"], result.Created);

        var stored = await (await host.Anonymous().GetAsync("/api/systems/csv-tva")).Read<SystemRecord>();
        Assert.Equal("Två; med semikolon", stored.Name);
        Assert.Equal(LifecyclePhase.AnvandningOchSupport, stored.Lifecycle);
        Assert.Equal(["Undervisning", "Kontakt med vårdnadshavare"], stored.Processing.Purposes);
        Assert.Equal(["e"], stored.Processing.LegalBasis);
        Assert.Equal(new ThirdCountryTransfer("USA", "Leverantör Inc", "SCC 2021/914"), stored.Processing.ThirdCountryTransfers.Single());
        Assert.Equal(new DateOnly(2030, 12, 31), stored.Processing.Processor!.AgreementExpires);
        Assert.Equal(["name", "email"], stored.Access.Release);

        var etagBefore = (await host.Anonymous().GetAsync("/api/systems/csv-ett")).ETagOf();
        var again = await (await PostCsv(csv)).Read<ImportResult>();
        Assert.Equal(["csv-ett", "csv-tva"], again.Unchanged);
        Assert.Empty(again.Created);
        Assert.Empty(again.Updated);
        Assert.Equal(etagBefore, (await host.Anonymous().GetAsync("/api/systems/csv-ett")).ETagOf());

        var changed = await (await PostCsv(Header + Row("csv-ett", "Ett – nytt namn") + Row("csv-tva", "Två; med semikolon"))).Read<ImportResult>();
        Assert.Equal(["csv-ett"], changed.Updated);
        Assert.Equal(["csv-tva"], changed.Unchanged);
    }

    [Fact]
    public async Task Csv_import_keeps_the_integration_and_columns_the_file_leaves_out()
    {
        var got = await host.Anonymous().GetAsync("/api/systems/procapita");
        var before = await got.Read<SystemRecord>();
        var csv = "id,name,category,owner,administrator,lifecycle,controller,controller_contact,dpia_done\r\n" +
                  "procapita,ProCapita Education,verksamhetssystem,Bildningsförvaltningen,Systemförvaltningen,Användning och support,Bildningsnämnden,ny@kommun.example.se,ja\r\n";

        var response = await PostCsv(csv);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await (await host.Anonymous().GetAsync("/api/systems/procapita")).Read<SystemRecord>();
        Assert.Equal("ny@kommun.example.se", after.Processing.ControllerContact);
        Assert.Equal(JsonSerializer.Serialize(before.Integration, Api.Options), JsonSerializer.Serialize(after.Integration, Api.Options));
        Assert.Equal(before.Access.Release, after.Access.Release);
        Assert.Equal(before.Processing.PersonalDataCategories, after.Processing.PersonalDataCategories);
        var feed = await (await host.FeedReader().GetAsync("/api/federation/feed")).Read<FederationFeed>();
        Assert.Equal("/procapita", feed.Systems.Single(s => s.Id == "procapita").Backend!.PublicPath);
    }

    [Fact]
    public async Task Csv_import_with_bad_rows_reports_each_and_changes_nothing()
    {
        var csv = Header
                  + Row("csv-ok-men-ej-sparad", "Giltig rad")
                  + Row("csv-fel-fas", "Fel fas", lifecycle: "Nedlagd")
                  + Row("csv-fel-release", "Fel release", release: "name|personnummer")
                  + Row("csv-fel-datum", "Fel datum", expires: "31/12/2030")
                  + Row("csv-ok-men-ej-sparad", "Dubblett");
        var auditBefore = await (await host.Admin().GetAsync("/api/audit?limit=1")).Read<List<JsonObject>>();

        var response = await PostCsv(csv);

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        var rows = problem["rows"]!.AsArray().Select(r => (Row: r!["row"]!.GetValue<int>(), Field: r["field"]!.GetValue<string>(), Message: r["message"]!.GetValue<string>())).ToList();
        Assert.Contains(rows, r => r is { Row: 3, Field: "lifecycle" });
        Assert.Contains(rows, r => r is { Row: 5, Field: "processor_agreement_expires" });
        Assert.Contains(rows, r => r is { Row: 6, Field: "id" });
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/api/systems/csv-ok-men-ej-sparad")).StatusCode);

        // With the parse errors fixed, the release rule is still checked row by row and still nothing is kept.
        var onlyRelease = Header + Row("csv-ok-men-ej-sparad", "Giltig rad") + Row("csv-fel-release", "Fel release", release: "name|personnummer");
        var second = await (await PostCsv(onlyRelease)).Problem(HttpStatusCode.BadRequest);
        var releaseError = second["rows"]!.AsArray().Single()!;
        Assert.Equal(3, releaseError["row"]!.GetValue<int>());
        Assert.Equal("access.release[1]", releaseError["field"]!.GetValue<string>());
        Assert.Contains("'personnummer'", releaseError["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/api/systems/csv-ok-men-ej-sparad")).StatusCode);
        var auditAfter = await (await host.Admin().GetAsync("/api/audit?limit=1")).Read<List<JsonObject>>();
        Assert.Equal(auditBefore[0]["sequence"]!.GetValue<long>(), auditAfter[0]["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task Json_import_upserts_and_reports_conflicts_per_row()
    {
        var systems = new[] { Samples.System("json-ett"), Samples.System("json-tva") };
        var response = await host.Admin().PostAsJsonAsync("/api/systems/import", systems, Api.Options);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["json-ett", "json-tva"], (await response.Read<ImportResult>()).Created);

        var clash = Samples.System("json-tre") with { Integration = Samples.System("json-ett").Integration };
        var bad = await host.Admin().PostAsJsonAsync("/api/systems/import", new[] { Samples.System("json-fyra"), clash }, Api.Options);
        var problem = await bad.Problem(HttpStatusCode.BadRequest);
        var error = problem["rows"]!.AsArray().Single()!;
        Assert.Equal(2, error["row"]!.GetValue<int>());
        Assert.Equal("integration.oidcClient.clientId", error["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/api/systems/json-fyra")).StatusCode);
    }

    [Fact]
    public async Task Import_refuses_other_media_types_and_unknown_columns()
    {
        var text = await host.Admin().PostAsync("/api/systems/import", new StringContent("id\nx", Encoding.UTF8, "text/plain"));
        await text.Problem(HttpStatusCode.UnsupportedMediaType);

        var unknown = await PostCsv("id,name,skostorlek\r\nx,y,42\r\n");
        var problem = await unknown.Problem(HttpStatusCode.BadRequest);
        Assert.Contains(problem["rows"]!.AsArray(), r => r!["field"]!.GetValue<string>() == "skostorlek");

        Assert.Equal(HttpStatusCode.Forbidden, (await host.WithToken(host.Issuer.Teacher()).PostAsync("/api/systems/import",
            new StringContent("[]", Encoding.UTF8, "application/json"))).StatusCode);
    }
}
