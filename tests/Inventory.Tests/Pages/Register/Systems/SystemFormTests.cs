using System.Text.Json;
using Federation.Core.Integration;
using Federation.Inventory.Domain;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Pages.Register.Systems;
using Federation.Inventory.Register;

namespace Federation.Inventory.Tests.Pages.Register.Systems;

/// <summary>The create and edit forms' model: record ↔ form, the validator's paths → the form's fields, Swedish messages, the merge of a conflict.</summary>
public sealed class SystemFormTests
{
    [Theory]
    [InlineData("name", "name")]
    [InlineData("processing.legalBasis[2]", "processing.legalBasis")]
    [InlineData("processing.thirdCountryTransfers[0].country", "processing.thirdCountryTransfers")]
    [InlineData("processing.processor.agreementExpires", "processing.processor.agreementExpires")]
    [InlineData("access.release[1]", "access.release")]
    [InlineData("integration.oidcClient.redirectUris[0]", "integration.oidcClient.redirectUris")]
    [InlineData("integration.backend.publicPath", "integration.backend.publicPath")]
    [InlineData("ownerAccounts[0]", "ownerAccounts")]
    public void A_problem_path_lands_on_its_form_field(string path, string field)
    {
        Assert.Equal(field, SystemForm.FieldOf(path));
        Assert.Equal("f-" + field.Replace('.', '-'), SystemForm.ElementId(field));
    }

    [Theory]
    [InlineData("$")]
    [InlineData("processing")]
    [InlineData("nosuchfield")]
    public void A_path_of_no_field_belongs_to_the_summary_only(string path) => Assert.Null(SystemForm.FieldOf(path));

    [Fact]
    public void Every_problem_of_a_badly_filled_form_names_a_field_of_the_form_in_Swedish()
    {
        var form = Post(new Dictionary<string, string>
        {
            ["id"] = "Inte Ett Id",
            ["name"] = "",
            ["lifecycle"] = "Anskaffning",
            ["processing.controller"] = "",
            ["processing.controllerContact"] = "",
            ["processing.thirdCountryTransfers"] = "; Leverantör Inc; SCC",
            ["processing.retentionDays"] = "0",
            ["processing.processor.agreementExpires"] = "2030-01-01",
            ["access.assuranceLevel"] = "loa9",
            ["access.release"] = "personnummer",
            ["integration.oidcClient.clientId"] = "x",
            ["integration.oidcClient.grantTypes"] = "authorization_code",
            ["integration.oidcClient.scopes"] = "two words",
            ["integration.backend.publicPath"] = "/health",
            ["integration.backend.upstreams"] = "ftp://x",
            ["integration.samlSp.acsUrl"] = "http://sp.example.se/acs",
        });

        var (record, unreadable) = form.ToRecord();
        var problems = SystemValidator.Check(SystemValidator.Normalize(record));

        Assert.Empty(unreadable);
        var fields = problems.Select(p => SystemForm.FieldOf(p.Path)).ToList();
        Assert.DoesNotContain(null, fields);
        foreach (var expected in new[]
                 {
                     "id", "name", "processing.controller", "processing.thirdCountryTransfers", "processing.retentionDays",
                     "processing.processor.name", "processing.processor.agreementExpires", "access.assuranceLevel", "access.release",
                     "integration.oidcClient.redirectUris", "integration.oidcClient.scopes", "integration.backend.publicPath",
                     "integration.backend.upstreams", "integration.samlSp.entityId", "integration.samlSp.acsUrl",
                 })
        {
            Assert.Contains(expected, fields);
        }

        var release = Assert.Single(problems, p => p.Path == "access.release[0]");
        Assert.Contains("får inte lämnas ut", release.Message.Sv);
        Assert.Contains("Personnummer", release.Message.Sv);
        Assert.Equal("Fältet måste fyllas i.", problems.First(p => p.Path == "name").Message.Sv);
        Assert.Equal("Required.", SystemValidator.Validate(SystemValidator.Normalize(record))["name"].Single());
        var path = Assert.Single(problems, p => p.Path == "integration.backend.publicPath");
        Assert.StartsWith("Gatewayen använder sökvägen själv", path.Message.Sv);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("https://sp.example.se/#x")]
    [InlineData("https://*.example.se/")]
    [InlineData("https://user@sp.example.se/")]
    [InlineData("http://sp.example.se/")]
    [InlineData("ftp://sp.example.se/")]
    [InlineData("http://127.0.0.1:5400/?q")]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("/a/..")]
    [InlineData("/health")]
    [InlineData("/metrics/x")]
    [InlineData("/a b")]
    [InlineData("a/../b")]
    [InlineData("/a/../b")]
    [InlineData("two words")]
    [InlineData("Elevhalsa.example.se")]
    public void Every_sentence_of_the_integration_rules_has_its_Swedish(string value)
    {
        Func<string?, string?>[] rules =
        [
            IntegrationRules.EndpointUrlProblem, IntegrationRules.UpstreamProblem, IntegrationRules.GatewayPathProblem,
            IntegrationRules.PublicHostProblem, IntegrationRules.HealthPathProblem, IntegrationRules.ScopeProblem,
        ];
        foreach (var problem in rules.Select(rule => rule(value)).OfType<string>())
        {
            Assert.True(IntegrationRuleText.IsTranslated(problem), $"No Swedish for: {problem}");
            Assert.Equal(problem, IntegrationRuleText.Of(problem).En);
        }
    }

    [Fact]
    public void Every_demo_system_survives_the_form_unchanged()
    {
        foreach (var system in DemoRegister.Systems())
        {
            var stored = SystemValidator.Normalize(system).KeepingSecretOf(null);

            var (record, unreadable) = SystemForm.FromRecord(stored.Masked()).ToRecord(stored.Id);
            var saved = SystemValidator.Normalize(record).KeepingSecretOf(stored);

            Assert.Empty(unreadable);
            Assert.Equal(JsonSerializer.Serialize(stored, SystemRows.Json), JsonSerializer.Serialize(saved, SystemRows.Json));
        }
    }

    [Fact]
    public void A_number_or_date_that_cannot_be_read_is_named_and_the_input_kept()
    {
        var form = Post(new Dictionary<string, string> { ["processing.retentionDays"] = "ett år", ["processing.processor.agreementExpires"] = "30/6" });

        var (_, unreadable) = form.ToRecord();

        Assert.Equal(["processing.retentionDays", "processing.processor.agreementExpires"], unreadable.Select(p => p.Path));
        Assert.Equal("ett år", form.Text("processing.retentionDays"));
    }

    [Fact]
    public void A_conflict_keeps_what_the_person_changed_and_takes_the_rest_from_the_newer_version()
    {
        var opened = SystemForm.FromRecord(Demo("procapita"));
        var newer = SystemForm.FromRecord(Demo("procapita") with { Vendor = "Tieto Evry", Description = "Ändrad av en annan" });
        var mine = Post(opened, ("name", "ProCapita (ny)"), ("processing.legalBasis", "c"));

        var merged = mine.OntoNewer(opened, newer);

        Assert.Equal("ProCapita (ny)", merged.Text("name"));
        Assert.Equal(["c"], merged.Checked("processing.legalBasis"));
        Assert.Equal("Tieto Evry", merged.Text("vendor"));
        Assert.Equal("Ändrad av en annan", merged.Text("description"));
        Assert.Equal(["name", "processing.legalBasis"], mine.ChangedFrom(opened));
    }

    private static SystemRecord Demo(string id) => SystemValidator.Normalize(DemoRegister.Systems().Single(s => s.Id == id));

    /// <summary>A posted form with these fields (one value each, or several for a checkbox group when given twice).</summary>
    private static SystemForm Post(Dictionary<string, string> fields) =>
        SystemForm.FromPost(new Microsoft.AspNetCore.Http.FormCollection(fields.ToDictionary(f => f.Key, f => new Microsoft.Extensions.Primitives.StringValues(f.Value))));

    /// <summary>The form <paramref name="start"/> posted back with these fields replaced.</summary>
    private static SystemForm Post(SystemForm start, params (string Field, string Value)[] changes)
    {
        var fields = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>();
        foreach (var (field, kind) in SystemForm.Fields)
        {
            fields[field] = kind == SystemForm.Kind.Choices || kind == SystemForm.Kind.Flag
                ? new Microsoft.Extensions.Primitives.StringValues([.. start.Checked(field)])
                : start.Text(field);
        }

        foreach (var (field, value) in changes)
        {
            fields[field] = value;
        }

        return SystemForm.FromPost(new Microsoft.AspNetCore.Http.FormCollection(fields));
    }
}
