using System.Net;
using System.Text.Json.Nodes;
using Federation.Inventory.Tests.Support;
using Microsoft.Extensions.Options;

namespace Federation.Inventory.Tests.Hosting;

/// <summary>Wrong settings stop the register at start with a message; a good start is ready.</summary>
public sealed class StartupTests(SqliteInventory host) : IClassFixture<SqliteInventory>
{
    [Theory]
    [InlineData("sqlite", "Data Source={db}", "", "Auth:Authority")]
    [InlineData("sqlite", "Data Source={db}", "not a url", "Auth:Authority")]
    [InlineData("oracle", "Data Source={db}", "http://127.0.0.1:5100/", "Database:Provider")]
    [InlineData("postgres", "", "http://127.0.0.1:5100/", "Database:ConnectionString")]
    public void Invalid_options_stop_the_start_naming_the_setting(string provider, string connection, string authority, string named)
    {
        var file = Path.Combine(Path.GetTempPath(), $"federation-startup-{Guid.NewGuid():N}.db");
        using var factory = new InventoryFactory(provider, connection.Replace("{db}", file, StringComparison.Ordinal), authority, null);
        factory.UseKestrel(0);

        var error = Assert.ThrowsAny<OptionsValidationException>(factory.StartServer);
        Assert.Contains(named, error.Message);
        Assert.False(File.Exists(file), "Nothing may be written before the settings are checked.");
    }

    [Fact]
    public async Task Ready_reports_the_database()
    {
        var response = await host.Anonymous().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Read<JsonObject>();
        Assert.Contains(body["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "database" && c["status"]!.GetValue<string>() == "Healthy");
    }

    [Fact]
    public async Task Reads_can_be_closed_to_callers_without_a_token()
    {
        var issuer = await TestIssuer.Shared;
        var file = Path.Combine(Path.GetTempPath(), $"federation-closed-{Guid.NewGuid():N}.db");
        await using var factory = new InventoryFactory("sqlite", $"Data Source={file}", issuer.Authority, null,
            new Dictionary<string, string> { ["Auth:RequireAuthenticatedReads"] = "true" });
        factory.UseKestrel(0);
        factory.StartServer();

        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/systems")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/systems/procapita")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/reports/findings")).StatusCode);

        var teacher = factory.CreateClient();
        teacher.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", issuer.Teacher());
        Assert.Equal(HttpStatusCode.OK, (await teacher.GetAsync("/api/systems/procapita")).StatusCode);
    }
}
