using System.Net;
using System.Net.Http.Headers;
using Federation.Core.Attributes;
using Federation.Core.Feed;
using Federation.Core.Secrets;
using Federation.Inventory.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Inventory.Tests.Feed;

public sealed class FeedApiSqliteTests(SqliteInventory host) : FeedApiTests(host), IClassFixture<SqliteInventory>;

public sealed class FeedApiPostgresTests(PostgresInventory host) : FeedApiTests(host), IClassFixture<PostgresInventory>;

/// <summary><c>GET /api/federation/feed</c>: content, scope, ETag, long poll.</summary>
public abstract class FeedApiTests(InventoryHost host)
{
    [Fact]
    public async Task Feed_needs_the_feed_scope()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().GetAsync("/api/federation/feed")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Admin().GetAsync("/api/federation/feed")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.FeedReader().GetAsync("/api/federation/feed")).StatusCode);
    }

    [Fact]
    public async Task Feed_carries_the_gateway_client_backends_saml_sps_and_e_services_but_no_retired_system()
    {
        var response = await host.FeedReader().GetAsync("/api/federation/feed");
        var json = await response.Content.ReadAsStringAsync();
        var feed = System.Text.Json.JsonSerializer.Deserialize<FederationFeed>(json, FederationFeed.JsonOptions)!;

        var gateway = feed.FindByClientId("federation-gateway")!;
        Assert.Equal("federation", gateway.Id);
        var client = gateway.OidcClient!;
        // The feed carries the secret's hash only, never the secret.
        Assert.Null(client.ClientSecret);
        Assert.True(ClientSecretHash.Verify("gateway-demo-secret", client.ClientSecretHash));
        Assert.DoesNotContain("gateway-demo-secret", json, StringComparison.Ordinal);
        Assert.Equal(["http://127.0.0.1:5000/signin-oidc"], client.RedirectUris);
        Assert.Equal(["http://127.0.0.1:5000/signout-callback-oidc"], client.PostLogoutRedirectUris);
        Assert.Equal(["authorization_code", "refresh_token", "client_credentials"], client.GrantTypes);
        Assert.Contains("federation.feed", client.Scopes);

        var procapita = feed.Systems.Single(s => s.Id == "procapita").Backend!;
        Assert.Equal("/procapita", procapita.PublicPath);
        Assert.Equal(["http://127.0.0.1:5400"], procapita.Upstreams);
        Assert.Equal(IdentityForwarding.Headers, procapita.IdentityForwarding);
        Assert.NotNull(feed.Systems.Single(s => s.Id == "intranat").Backend);
        Assert.NotNull(feed.Systems.Single(s => s.Id == "forskoleportalen").Backend);

        foreach (var sp in new[] { "google-workspace", "microsoft-365", "schoolsoft" })
        {
            Assert.NotNull(feed.Systems.Single(s => s.Id == sp).SamlSp);
        }

        foreach (var eService in new[] { "e-skolskjuts", "e-modersmal", "e-barnomsorg", "e-gymnasieansokan" })
        {
            var system = feed.Systems.Single(s => s.Id == eService);
            Assert.Equal("loa3", system.Access.AssuranceLevel);
            Assert.NotNull(system.OidcClient);
        }

        Assert.DoesNotContain(feed.Systems, s => s.Id == "fronter");
        Assert.NotNull(feed.Systems.Single(s => s.Id == "ils").Notice);
        Assert.All(feed.Systems.SelectMany(s => s.Release), name => Assert.NotNull(AttributeCatalog.Find(name)));
        Assert.Equal(feed.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.ETag!.Tag.Trim('"').Replace("feed-", ""));
    }

    [Fact]
    public async Task If_none_match_with_the_current_etag_is_304_and_a_write_changes_the_etag()
    {
        var reader = host.FeedReader();
        var first = await reader.GetAsync("/api/federation/feed");
        var etag = first.Headers.ETag!;

        Assert.Equal(HttpStatusCode.NotModified, (await GetWithEtag(reader, etag, "")).StatusCode);

        await host.Admin().PostJson("/api/systems", Samples.System("etag-byte"));
        var after = await GetWithEtag(reader, etag, "");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(etag, after.Headers.ETag);
        Assert.Contains((await after.Read<FederationFeed>()).Systems, s => s.Id == "etag-byte");
    }

    [Fact]
    public async Task Long_poll_without_a_change_ends_in_304()
    {
        var reader = host.FeedReader();
        var etag = (await reader.GetAsync("/api/federation/feed")).Headers.ETag!;
        var response = await GetWithEtag(reader, etag, "?wait=1");
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(etag, response.Headers.ETag);
    }

    [Fact]
    public async Task A_system_set_to_avvecklad_leaves_the_feed()
    {
        var admin = host.Admin();
        var etag = (await admin.PostJson("/api/systems", Samples.System("pensioneras"))).ETagOf();
        await admin.PutJson("/api/systems/pensioneras", Samples.System("pensioneras", LifecyclePhase.Avvecklad), etag);

        var feed = await (await host.FeedReader().GetAsync("/api/federation/feed")).Read<FederationFeed>();
        Assert.DoesNotContain(feed.Systems, s => s.Id == "pensioneras");
    }

    private static async Task<HttpResponseMessage> GetWithEtag(HttpClient client, EntityTagHeaderValue etag, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/federation/feed" + query);
        request.Headers.IfNoneMatch.Add(etag);
        return await client.SendAsync(request);
    }
}

/// <summary>
/// A clock that stands still and tells when a timer is set on it: a long poll sets one for its
/// once-a-second look at the database, so the test knows the poll is parked without sleeping.
/// </summary>
public sealed class WatchedClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
{
    private TaskCompletionSource timerSet = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the first timer set after this call.</summary>
    public Task NextTimer() => Volatile.Read(ref timerSet).Task;

    /// <summary>Call before the action that should set a timer.</summary>
    public void Arm() => Interlocked.Exchange(ref timerSet, new(TaskCreationOptions.RunContinuationsAsynchronously));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Volatile.Read(ref timerSet).TrySetResult();
        return timer;
    }
}

/// <summary>A register whose clock stands still: a long poll's once-a-second look at the database never comes.</summary>
public sealed class FrozenClockSqliteInventory : SqliteInventory
{
    public WatchedClock Clock { get; } = new();

    protected override TimeProvider? Time => Clock;
}

/// <summary>
/// The in-process wake-up on its own: with the clock frozen the replica poll (a database read
/// every second of the register's clock) cannot end the long poll, so only the signal a commit
/// raises can answer it before the reader's generous deadline.
/// </summary>
public sealed class FeedWakeUpTests(FrozenClockSqliteInventory host) : IClassFixture<FrozenClockSqliteInventory>
{
    [Fact]
    public async Task Long_poll_returns_as_soon_as_the_register_changes()
    {
        var reader = host.FeedReader();
        var etag = (await reader.GetAsync("/api/federation/feed")).Headers.ETag!;
        var admin = host.Admin();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/federation/feed?wait=30");
        request.Headers.IfNoneMatch.Add(etag);
        host.Clock.Arm();
        var poll = reader.SendAsync(request);
        await host.Clock.NextTimer().WaitAsync(TimeSpan.FromSeconds(60)); // the poll is parked
        Assert.False(poll.IsCompleted);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJson("/api/systems", Samples.System("lang-fraga"))).StatusCode);

        // Bounded: if the wake-up is broken nothing ends the poll (the clock does not move), and the test fails here.
        var response = await poll.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains((await response.Read<FederationFeed>()).Systems, s => s.Id == "lang-fraga");
    }
}

/// <summary>Two replicas on one database: a long poll on one wakes up for a write on the other.</summary>
public sealed class FeedReplicaTests : IAsyncLifetime
{
    private readonly SqliteInventory first = new();
    private InventoryFactory? second;

    public async Task InitializeAsync()
    {
        await first.InitializeAsync();
        second = new InventoryFactory("sqlite", first.ConnectionString, first.Issuer.Authority, null);
        second.UseKestrel(0);
        second.StartServer();
    }

    public async Task DisposeAsync()
    {
        await second!.DisposeAsync();
        await first.DisposeAsync();
    }

    [Fact]
    public async Task A_long_poll_sees_a_write_made_on_another_replica()
    {
        var reader = first.FeedReader();
        var etag = (await reader.GetAsync("/api/federation/feed")).Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/federation/feed?wait=30");
        request.Headers.IfNoneMatch.Add(etag);
        var poll = reader.SendAsync(request);

        var otherReplica = second!.CreateClient();
        otherReplica.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", first.Issuer.Admin());
        Assert.Equal(HttpStatusCode.Created, (await otherReplica.PostJson("/api/systems", Samples.System("annan-replika"))).StatusCode);

        var response = await poll;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains((await response.Read<FederationFeed>()).Systems, s => s.Id == "annan-replika");
    }
}

/// <summary>Stopping the register ends its long polls with 304 instead of holding the shutdown.</summary>
public sealed class FeedShutdownTests
{
    [Fact]
    public async Task A_long_poll_is_answered_with_304_when_the_register_stops()
    {
        var host = new FrozenClockSqliteInventory();
        await host.InitializeAsync();
        var reader = host.FeedReader();
        var etag = (await reader.GetAsync("/api/federation/feed")).Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/federation/feed?wait=60");
        request.Headers.IfNoneMatch.Add(etag);
        host.Clock.Arm();
        var poll = reader.SendAsync(request);
        await host.Clock.NextTimer().WaitAsync(TimeSpan.FromSeconds(60)); // parked, not merely sent

        // What Ctrl+C or SIGTERM does.
        host.Factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var response = await poll.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        await host.DisposeAsync();
    }
}
