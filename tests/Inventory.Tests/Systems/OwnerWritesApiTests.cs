using System.Net;
using System.Net.Http.Json;
using Federation.Core.Feed;
using Federation.Inventory.Domain;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.Systems;

public sealed class OwnerWritesSqliteTests(SqliteInventory host) : OwnerWritesApiTests(host), IClassFixture<SqliteInventory>;

public sealed class OwnerWritesPostgresTests(PostgresInventory host) : OwnerWritesApiTests(host), IClassFixture<PostgresInventory>;

/// <summary>
/// <c>PUT /api/systems/{id}</c> and <c>POST /api/systems/{id}/lifecycle</c> by RegisterPermissions:
/// the demo owner (olle.systemagare, owner of procapita and schoolsoft) changes his systems and
/// nothing else, never who owns a system; the data protection officer changes nothing.
/// </summary>
public abstract class OwnerWritesApiTests(InventoryHost host)
{
    private async Task<(SystemRecord System, string ETag)> Read(string id)
    {
        var response = await host.Anonymous().GetAsync($"/api/systems/{id}");
        return (await response.Read<SystemRecord>(), response.ETagOf());
    }

    [Fact]
    public async Task The_owner_changes_his_own_system()
    {
        var (procapita, etag) = await Read("procapita");

        var response = await host.WithToken(host.Issuer.Owner()).PutJson("/api/systems/procapita", procapita with { Vendor = "Tieto (ändrad av ägaren)" }, etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Tieto (ändrad av ägaren)", (await Read("procapita")).System.Vendor);
    }

    [Fact]
    public async Task Attack_the_owner_cannot_change_a_system_he_does_not_own()
    {
        var (lika, etag) = await Read("lika");

        var response = await host.WithToken(host.Issuer.Owner()).PutJson("/api/systems/lika", lika with { Vendor = "Kapad" }, etag);

        await response.Problem(HttpStatusCode.Forbidden);
        Assert.Equal(lika.Vendor, (await Read("lika")).System.Vendor);
    }

    [Fact]
    public async Task Attack_the_owner_cannot_make_himself_owner_of_another_system()
    {
        var (lika, etag) = await Read("lika");
        var (procapita, _) = await Read("procapita");

        var response = await host.WithToken(host.Issuer.Owner()).PutJson("/api/systems/lika",
            lika with { OwnerAccounts = [.. lika.OwnerAccounts, .. procapita.OwnerAccounts] }, etag);

        await response.Problem(HttpStatusCode.Forbidden);
        Assert.DoesNotContain(procapita.OwnerAccounts[0], (await Read("lika")).System.OwnerAccounts);
    }

    [Fact]
    public async Task Attack_the_owner_cannot_change_who_owns_his_own_system()
    {
        var (schoolsoft, etag) = await Read("schoolsoft");

        var response = await host.WithToken(host.Issuer.Owner()).PutJson("/api/systems/schoolsoft",
            schoolsoft with { OwnerAccounts = [.. schoolsoft.OwnerAccounts, "kompis@skola.example.se"] }, etag);

        var problem = await response.Problem(HttpStatusCode.Forbidden);
        Assert.Contains("ownerAccounts", problem["detail"]!.GetValue<string>());
        Assert.Equal(schoolsoft.OwnerAccounts, (await Read("schoolsoft")).System.OwnerAccounts);
    }

    [Fact]
    public async Task The_administrator_changes_who_owns_a_system()
    {
        var (lika, etag) = await Read("lika");

        var response = await host.Admin().PutJson("/api/systems/lika", lika with { OwnerAccounts = ["ny.agare@skola.example.se"] }, etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["ny.agare@skola.example.se"], (await Read("lika")).System.OwnerAccounts);
    }

    [Theory]
    [InlineData("dpo")]
    [InlineData("teacher")]
    public async Task Attack_a_reader_or_a_teacher_changes_nothing(string who)
    {
        var token = who == "dpo" ? host.Issuer.DataProtectionOfficer() : host.Issuer.Teacher();
        var (procapita, etag) = await Read("procapita");

        var put = await host.WithToken(token).PutJson("/api/systems/procapita", procapita with { Vendor = "Nej" }, etag);
        var step = await Step(token, "procapita", LifecyclePhase.Avveckling, etag);

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, step.StatusCode);
        Assert.Equal(Json(procapita), Json((await Read("procapita")).System));
    }

    [Fact]
    public async Task Attack_the_owner_cannot_create_or_delete()
    {
        var owner = host.WithToken(host.Issuer.Owner());
        var (procapita, etag) = await Read("procapita");

        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PostJson("/api/systems", Samples.System("agarens-eget"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.Delete("/api/systems/procapita", etag)).StatusCode);
        Assert.Equal(Json(procapita), Json((await Read("procapita")).System));
    }

    [Fact]
    public async Task A_lifecycle_step_is_taken_one_at_a_time_forward_and_audited()
    {
        var admin = host.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJson("/api/systems", Samples.System("livscykel", LifecyclePhase.Anskaffning))).StatusCode);
        var (_, etag) = await Read("livscykel");

        var skip = await Step(host.Issuer.Admin(), "livscykel", LifecyclePhase.AnvandningOchSupport, etag);
        var problem = await skip.Problem(HttpStatusCode.Conflict);
        Assert.Contains("cannot be skipped", problem["detail"]!.GetValue<string>());
        Assert.Equal(LifecyclePhase.Anskaffning, (await Read("livscykel")).System.Lifecycle);

        var step = await Step(host.Issuer.Admin(), "livscykel", LifecyclePhase.Driftsattning, etag);
        Assert.Equal(HttpStatusCode.OK, step.StatusCode);
        var stale = await Step(host.Issuer.Admin(), "livscykel", LifecyclePhase.AnvandningOchSupport, etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        var back = await Step(host.Issuer.Admin(), "livscykel", LifecyclePhase.Anskaffning, step.ETagOf());
        Assert.Contains("only goes forward", (await back.Problem(HttpStatusCode.Conflict))["detail"]!.GetValue<string>());

        var audit = await (await admin.GetAsync("/api/audit?target=system:livscykel")).Content.ReadAsStringAsync();
        Assert.Contains("\"lifecycle\"", audit);
    }

    [Fact]
    public async Task The_owner_steps_his_own_system_but_not_another()
    {
        var (procapita, etag) = await Read("procapita");
        var (lika, likaEtag) = await Read("lika");

        Assert.Equal(HttpStatusCode.Forbidden, (await Step(host.Issuer.Owner(), "lika", LifecyclePhase.Avveckling, likaEtag)).StatusCode);
        Assert.Equal(lika.Lifecycle, (await Read("lika")).System.Lifecycle);

        var own = await Step(host.Issuer.Owner(), "procapita", LifecyclePhase.Avveckling, etag);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(LifecyclePhase.Avveckling, (await Read("procapita")).System.Lifecycle);
        Assert.Equal(LifecyclePhase.AnvandningOchSupport, procapita.Lifecycle);
    }

    private static string Json(SystemRecord system) => System.Text.Json.JsonSerializer.Serialize(system, Api.Options);

    private async Task<HttpResponseMessage> Step(string token, string id, LifecyclePhase to, string etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/systems/{id}/lifecycle")
        {
            Content = JsonContent.Create(new { to = to.ToString() }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await host.WithToken(token).SendAsync(request);
    }
}
