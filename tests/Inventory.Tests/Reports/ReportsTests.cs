using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Inventory.Domain;
using Federation.Inventory.Import;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.Reports;

public sealed class ReportsSqliteTests(SqliteInventory host) : ReportsTests(host), IClassFixture<SqliteInventory>;

public sealed class ReportsPostgresTests(PostgresInventory host) : ReportsTests(host), IClassFixture<PostgresInventory>;

/// <summary>The Art. 30 register (JSON, CSV, HTML) and the findings report.</summary>
public abstract class ReportsTests(InventoryHost host)
{
    [Fact]
    public async Task Article30_as_json_lists_every_live_processing()
    {
        var entries = await (await host.Anonymous().GetAsync("/api/reports/article30")).Read<List<JsonObject>>();
        var procapita = entries.Single(e => e["systemId"]!.GetValue<string>() == "procapita");
        Assert.Equal("Bildningsnämnden", procapita["controller"]!.GetValue<string>());
        Assert.Contains("Personnummer", procapita["personalDataCategories"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.DoesNotContain(entries, e => e["systemId"]!.GetValue<string>() == "fronter");
    }

    [Fact]
    public async Task Article30_as_csv_is_rfc4180_utf8_with_bom_and_keeps_swedish_letters()
    {
        // A name with a quote, the delimiter and a line break must survive the round trip.
        var tricky = Samples.System("csv-citat") with { Name = "Skolbiblioteket \"Läslust\", Åby\nfilial" };
        Assert.Equal(HttpStatusCode.Created, (await host.Admin().PostJson("/api/systems", tricky)).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/article30");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await host.Anonymous().SendAsync(request);

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.Contains("\r\n", text);
        Assert.Contains("Förskoleportalen", text);
        Assert.Contains("\"Skolbiblioteket \"\"Läslust\"\", Åby\nfilial\"", text);

        var records = RegisterCsv.ReadRecords(text);
        Assert.Equal("Personuppgiftsansvarig", records[0][3]);
        Assert.All(records.Where(r => r.Count > 1), r => Assert.Equal(records[0].Count, r.Count));
        Assert.Contains(records, r => r[1] == "Skolbiblioteket \"Läslust\", Åby\nfilial");

        var byPath = await host.Anonymous().GetAsync("/api/reports/article30.csv?delimiter=semicolon");
        var semicolon = Encoding.UTF8.GetString((await byPath.Content.ReadAsByteArrayAsync())[3..]);
        Assert.StartsWith("System-id;System;", semicolon);
    }

    [Fact]
    public async Task Article30_printable_page_is_html_with_escaped_content()
    {
        var hostile = Samples.System("html-skript") with { Name = "<script>alert('x')</script> Åkerskolan" };
        await host.Admin().PostJson("/api/systems", hostile);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/article30");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        var response = await host.Anonymous().SendAsync(request);

        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Registerförteckning enligt artikel 30", html);
        Assert.Contains("ProCapita Education", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.Contains("@media print", html);
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous().GetAsync("/api/reports/article30.html")).StatusCode);
    }

    [Fact]
    public async Task Findings_report_names_the_system_the_rule_and_what_to_do()
    {
        var report = await (await host.Anonymous().GetAsync("/api/reports/findings")).Read<JsonObject>();
        var findings = report["findings"]!.AsArray().Select(f => (
            System: f!["systemId"]!.GetValue<string>(), Rule: f["rule"]!.GetValue<string>(), Action: f["action"]!.GetValue<string>())).ToList();

        Assert.Contains(findings, f => f is { System: "google-workspace", Rule: ComplianceFindings.ProcessorAgreementExpired });
        Assert.Contains(findings, f => f is { System: "lika", Rule: ComplianceFindings.ProcessorAgreementMissing });
        Assert.Contains(findings, f => f is { System: "microsoft-365", Rule: ComplianceFindings.ThirdCountryWithoutSafeguard });
        Assert.Contains(findings, f => f is { System: "schoolsoft", Rule: ComplianceFindings.SpecialCategoryWithoutDpia });
        Assert.Contains(findings, f => f is { System: "e-modersmal", Rule: ComplianceFindings.SpecialCategoryWithoutDpia });
        Assert.Contains(findings, f => f is { System: "ils", Rule: ComplianceFindings.DecommissioningWithLiveFederation });
        Assert.Contains(findings, f => f is { System: "intranat", Rule: ComplianceFindings.ReleaseWithoutPurpose });
        Assert.DoesNotContain(findings, f => f.System is "forskoleportalen" or "procapita" or "federation" or "fronter");
        Assert.All(findings, f => Assert.True(f.Action.Length > 40 && f.Action.EndsWith('.'), f.Action));

        var onlyLika = await (await host.Anonymous().GetAsync("/api/reports/findings?system=lika")).Read<JsonObject>();
        Assert.Equal(1, onlyLika["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fixing_a_record_clears_its_finding()
    {
        var admin = host.Admin();
        var sample = Samples.System("atgardas");
        var withTransfer = sample with
        {
            Processing = sample.Processing with { ThirdCountryTransfers = [new ThirdCountryTransfer("Indien", "Support AB", null)] },
        };
        var etag = (await admin.PostJson("/api/systems", withTransfer)).ETagOf();
        var before = await (await host.Anonymous().GetAsync("/api/reports/findings?system=atgardas")).Read<JsonObject>();
        Assert.Equal(ComplianceFindings.ThirdCountryWithoutSafeguard, before["findings"]![0]!["rule"]!.GetValue<string>());

        var fixedRecord = withTransfer with
        {
            Processing = withTransfer.Processing with { ThirdCountryTransfers = [new ThirdCountryTransfer("Indien", "Support AB", "EU:s standardavtalsklausuler (2021/914)")] },
        };
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJson("/api/systems/atgardas", fixedRecord, etag)).StatusCode);

        var after = await (await host.Anonymous().GetAsync("/api/reports/findings?system=atgardas")).Read<JsonObject>();
        Assert.Equal(0, after["count"]!.GetValue<int>());
    }
}
