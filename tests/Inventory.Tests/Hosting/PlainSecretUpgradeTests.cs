using System.Net;
using Federation.Core.Feed;
using Federation.Core.Secrets;
using Federation.Inventory.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Inventory.Tests.Hosting;

/// <summary>A register from before hashed secrets: its clear-text secrets are hashed on the next start.</summary>
public sealed class PlainSecretUpgradeTests
{
    [Fact]
    public async Task Secrets_stored_in_clear_are_hashed_on_start_and_still_verify()
    {
        var issuer = await TestIssuer.Shared;
        var file = Path.Combine(Path.GetTempPath(), "federation-inventory-tests", $"upgrade-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var connection = $"Data Source={file}";
        long versionBefore;
        await using (var old = new InventoryFactory("sqlite", connection, issuer.Authority, null))
        {
            old.UseKestrel(0);
            old.StartServer();
            Assert.Equal(HttpStatusCode.Created, (await WithAdmin(old, issuer).PostJson("/api/systems", Samples.System("klartext"))).StatusCode);

            // What a register from before stored: the secret itself, no hash.
            using var scope = old.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<Federation.Inventory.Infrastructure.InventoryDbContext>();
            var row = await db.Systems.SingleAsync(s => s.Id == "klartext");
            row.Document = System.Text.RegularExpressions.Regex.Replace(row.Document, "\"clientSecretHash\":\"[^\"]*\"", "\"clientSecret\":\"secret-klartext\"");
            await db.SaveChangesAsync();
            Assert.Contains("secret-klartext", (await db.Systems.AsNoTracking().SingleAsync(s => s.Id == "klartext")).Document);
            versionBefore = (await db.State.AsNoTracking().SingleAsync()).Version;
        }

        await using var upgraded = new InventoryFactory("sqlite", connection, issuer.Authority, null);
        upgraded.UseKestrel(0);
        upgraded.StartServer();
        using (var scope = upgraded.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Federation.Inventory.Infrastructure.InventoryDbContext>();
            var documents = await db.Systems.AsNoTracking().Select(s => s.Document).ToListAsync();
            Assert.DoesNotContain(documents, d => d.Contains("\"clientSecret\"", StringComparison.Ordinal));
            Assert.True((await db.State.AsNoTracking().SingleAsync()).Version > versionBefore, "The feed must change so the idp gets the hash.");
        }

        var feed = await (await WithToken(upgraded, issuer.FeedReader()).GetAsync("/api/federation/feed")).Read<FederationFeed>();
        Assert.True(ClientSecretHash.Verify("secret-klartext", feed.FindByClientId("client-klartext")!.OidcClient!.ClientSecretHash));
        var verify = await (await WithAdmin(upgraded, issuer).GetAsync("/api/audit/verify")).Read<System.Text.Json.Nodes.JsonObject>();
        Assert.True(verify["valid"]!.GetValue<bool>(), verify.ToJsonString());
    }

    private static HttpClient WithAdmin(InventoryFactory factory, TestIssuer issuer) => WithToken(factory, issuer.Admin());

    private static HttpClient WithToken(InventoryFactory factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
