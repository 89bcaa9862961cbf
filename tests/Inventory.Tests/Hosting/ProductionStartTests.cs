using System.Net;
using System.Text.Json.Nodes;
using Federation.Core.Configuration;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.Hosting;

/// <summary>
/// The register as a real process in Production: nothing from the README works there. No demo
/// register on a new database, no start with a published secret, no start without the audit key.
/// </summary>
public sealed class ProductionStartTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "federation-inventory-production", Guid.NewGuid().ToString("N"));
    private TestIssuer issuer = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        issuer = await TestIssuer.Shared;
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // The stopped process may hold a file a moment longer; the temp folder is cleaned anyway.
        }

        return Task.CompletedTask;
    }

    private string[] Database() => ["--Database:Provider=sqlite", $"--Database:ConnectionString=Data Source={Path.Combine(folder, "inventory.db")}"];

    [Fact]
    public async Task Production_on_an_empty_database_has_no_demo_register()
    {
        await using var register = await InventoryProcess.StartAsync(issuer.Authority, Database());
        using var reader = register.Client(issuer.Admin());

        var systems = await (await reader.GetAsync("/api/systems")).Read<JsonObject>();
        Assert.Equal(0, systems["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/api/systems/federation")).StatusCode);
        var feed = await (await register.Client(issuer.FeedReader()).GetAsync("/api/federation/feed")).Read<JsonObject>();
        Assert.Empty(feed["systems"]!.AsArray());
    }

    [Theory]
    [InlineData("Audit:Key", DemoValues.DevelopmentAuditKey)]
    [InlineData("Feed:Credentials:ClientSecret", "gateway-demo-secret")]
    [InlineData("Gateway:Backends:procapita:SigningKey", "procapita-demo-signing-key-change-me-0123456789")]
    public async Task Production_refuses_a_demo_value_and_names_the_setting(string setting, string demoValue)
    {
        var (exitCode, output) = await InventoryProcess.RunUntilExitAsync(issuer.Authority, [.. Database(), $"--{setting}={demoValue}"]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"setting '{setting}' holds a demo value", output);
        Assert.DoesNotContain("   at ", output); // a message, not a stack trace
        Assert.False(File.Exists(Path.Combine(folder, "inventory.db")), "Nothing may be written before the settings are checked.");
    }

    [Fact]
    public async Task Production_without_an_audit_key_does_not_start_and_names_the_setting()
    {
        var (exitCode, output) = await InventoryProcess.RunUntilExitAsync(issuer.Authority, [.. Database(), "--Audit:Key="]);

        Assert.NotEqual(0, exitCode);
        Assert.Single(output.Split('\n'), line => line.Contains("Audit:Key is required outside Development", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", output); // a message, not a stack trace
        Assert.DoesNotContain("Unhandled exception", output);
    }
}
