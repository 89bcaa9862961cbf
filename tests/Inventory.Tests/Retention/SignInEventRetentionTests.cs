using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Inventory.Apis;
using Federation.Inventory.Domain;
using Federation.Inventory.Retention;
using Federation.Inventory.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Inventory.Tests.Retention;

/// <summary>A register with a clock the test turns.</summary>
public interface IFakeClockInventory
{
    FakeTimeProvider Clock { get; }
}

/// <summary>A register whose clock the test turns.</summary>
public sealed class FakeClockSqliteInventory : SqliteInventory, IFakeClockInventory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override TimeProvider? Time => Clock;
}

/// <summary>A register on PostgreSQL whose clock the test turns.</summary>
public sealed class FakeClockPostgresInventory : PostgresInventory, IFakeClockInventory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override TimeProvider? Time => Clock;
}

public sealed class SignInEventRetentionSqliteTests : SignInEventRetentionTests<FakeClockSqliteInventory>;

public sealed class SignInEventRetentionPostgresTests : SignInEventRetentionTests<FakeClockPostgresInventory>;

/// <summary>
/// The federation's own sign-in events are deleted when the retention registered for system <c>federation</c> ends.
/// Each test has its own register, database and clock (they turn the clock and change the registered
/// retention), and every date is relative to that clock, so neither the order nor today's date matters.
/// </summary>
public abstract class SignInEventRetentionTests<THost> : IAsyncLifetime
    where THost : InventoryHost, IFakeClockInventory, new()
{
    private readonly THost host = new();

    private FakeTimeProvider Clock => host.Clock;

    public Task InitializeAsync() => host.InitializeAsync();

    public Task DisposeAsync() => host.DisposeAsync();

    private HttpClient Admin() => host.WithToken(host.Issuer.Mint("ulf.admin", roles: ["register-admin"], expires: DateTime.UtcNow.AddDays(365)));

    private HttpClient Idp() => host.WithToken(host.Issuer.Mint("federation-idp", scope: "federation.signin-events", expires: DateTime.UtcNow.AddDays(365)));

    [Fact]
    public async Task Retention_follows_the_registered_days_and_a_change_in_the_register()
    {
        var now = Clock.GetUtcNow();
        var idp = Idp();
        foreach (var (subject, daysAgo) in new[] { ("gammal", 120), ("nastan", 89), ("farsk", 1), ("mitten", 40) })
        {
            var response = await idp.PostAsJsonAsync("/api/signin-events",
                new SignInEventRequest(now.AddDays(-daysAgo), "oidc", "local", "federation-gateway", subject, subject, "success", "loa2"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var admin = Admin();
        var run = await (await admin.PostAsync("/api/signin-events/retention", null)).Read<RetentionRun>();
        Assert.Equal(90, run.RetentionDays);
        Assert.Equal(1, run.Deleted);
        Assert.Equal(["farsk", "mitten", "nastan"], await Subjects(admin));

        Clock.Advance(TimeSpan.FromDays(2));
        await admin.PostAsync("/api/signin-events/retention", null);
        Assert.Equal(["farsk", "mitten"], await Subjects(admin));

        // Shortening the registered retention shortens what is kept.
        var got = await host.Anonymous().GetAsync("/api/systems/federation");
        var federation = await got.Read<SystemRecord>();
        var shorter = federation with { Processing = federation.Processing with { RetentionDays = 30 } };
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJson("/api/systems/federation", shorter, got.ETagOf())).StatusCode);
        var afterChange = await (await admin.PostAsync("/api/signin-events/retention", null)).Read<RetentionRun>();
        Assert.Equal(30, afterChange.RetentionDays);
        Assert.Equal(["farsk"], await Subjects(admin));

        var audit = await (await admin.GetAsync("/api/audit?target=signin-events")).Read<List<JsonObject>>();
        // The background job may have done some of the deleting; either way it is in the audit log.
        Assert.NotEmpty(audit);
        Assert.All(audit, e => Assert.Equal(SignInEventRetention.Actor, e["actor"]!.GetValue<string>()));
        Assert.True((await (await admin.GetAsync("/api/audit/verify")).Read<JsonObject>())["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_background_job_deletes_on_its_schedule()
    {
        var now = Clock.GetUtcNow();
        await Idp().PostAsJsonAsync("/api/signin-events",
            new SignInEventRequest(now.AddDays(-500), "saml", "adfs", "federation-gateway", "jobbet-tar-mig", null, "success", null));

        // The job's timer runs on the fake clock: one interval later it has run again.
        Clock.Advance(TimeSpan.FromHours(1));
        await using var db = host.OpenDb();
        await Eventually.TrueAsync(async () => !await db.SignInEvents.AnyAsync(e => e.Subject == "jobbet-tar-mig"),
            what: "the background job deleted the 500-day-old event");
    }

    [Fact]
    public async Task Recording_needs_the_signin_events_scope_and_valid_fields()
    {
        var body = new SignInEventRequest(null, "oidc", "local", null, "anna.larare", "anna.larare", "success", "loa2");
        Assert.Equal(HttpStatusCode.Forbidden, (await Admin().PostAsJsonAsync("/api/signin-events", body)).StatusCode);
        var bad = await Idp().PostAsJsonAsync("/api/signin-events", body with { Protocol = "ldap", Subject = null, UserName = null });
        var problem = await bad.Problem(HttpStatusCode.BadRequest);
        Assert.Contains("protocol", problem.ErrorFields());
        Assert.Contains("subject", problem.ErrorFields());
    }

    [Fact]
    public async Task The_idps_sign_in_event_json_is_accepted_and_linked_to_its_system()
    {
        // The shape the idp's SignInEventForwarder posts (Federation.Idp.Audit.SignInEvent).
        var occurredAt = Clock.GetUtcNow().AddDays(-8).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var json = """
            {"occurredAt":"OCCURRED","protocol":"oidc","upstream":"local","clientId":"federation-gateway",
             "subject":null,"userName":"okand.person","outcome":"unknown_user","assuranceLevel":null,"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}
            """.Replace("OCCURRED", occurredAt, StringComparison.Ordinal);
        var response = await Idp().PostAsync("/api/signin-events", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = await response.Read<SignInEventView>();
        Assert.Equal("federation", stored.SystemId);
        Assert.Equal("okand.person", stored.UserName);
        Assert.Equal("unknown_user", stored.Outcome);
    }

    private static async Task<List<string>> Subjects(HttpClient admin) =>
        (await (await admin.GetAsync("/api/signin-events?limit=1000")).Read<List<SignInEventView>>())
        .Select(e => e.Subject ?? "").Where(s => s is "gammal" or "nastan" or "farsk" or "mitten").Order(StringComparer.Ordinal).ToList();
}
