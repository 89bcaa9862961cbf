using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Federation.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace Federation.EndToEnd.Tests.Replicas;

/// <summary>
/// Two processes each of the register, the idp and the gateway on one PostgreSQL (a database per
/// service), the ProCapita stand-in, and one nginx with a round-robin pool per service in front
/// (no sticky sessions). Every address the services know of each other is the pool's; replicas of a
/// pair start at the same moment, so the start-up lock is exercised too.
/// </summary>
public sealed partial class ReplicaStack : IAsyncLifetime
{
    public const string RegisterClientId = FederationStack.RegisterClientId;
    public const string RegisterRedirectUri = FederationStack.RegisterRedirectUri;

    private readonly string _data = Directory.CreateTempSubdirectory("federation-replicas-").FullName;
    private readonly string _prefix = "replicas_" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<ServiceProcess> _services = [];
    private readonly Dictionary<string, (string Dll, Dictionary<string, string> Environment)> _starts = [];
    private Nginx? _nginx;

    public ServiceProcess[] Inventory { get; private set; } = [];
    public ServiceProcess[] Idp { get; private set; } = [];
    public ServiceProcess[] Gateway { get; private set; } = [];
    public ServiceProcess Demo { get; private set; } = null!;

    public Nginx.Pool InventoryPool { get; private set; } = null!;
    public Nginx.Pool IdpPool { get; private set; } = null!;
    public Nginx.Pool GatewayPool { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    /// <summary>The one upstream SAML IdP both idp replicas know (by its metadata); the tests hold its key.</summary>
    public SamlUpstreamIdp SamlUpstream { get; } = new("https://upstream.replicas.example/idp");

    public const string SamlUpstreamName = "replica-upstream";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("FEDERATION_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "FEDERATION_TEST_POSTGRES is not set. The replica tests need a superuser connection string to database 'postgres' " +
                "(./test.sh starts a throw-away server and sets it; locally: source scripts/pg-throwaway.sh; PG_PORT=55501 pg_throwaway_start).");

    public async Task InitializeAsync()
    {
        var connection = new Dictionary<string, string>();
        foreach (var service in new[] { "inventory", "idp", "gateway" })
        {
            connection[service] = await CreateDatabaseAsync($"{_prefix}_{service}");
        }
        int inventoryPort = ServiceProcess.FreePort(), idpPort = ServiceProcess.FreePort(), gatewayPort = ServiceProcess.FreePort();
        var issuer = $"http://127.0.0.1:{idpPort}/";
        var register = $"http://127.0.0.1:{inventoryPort}/";
        var common = new Dictionary<string, string>
        {
            ["Database__Provider"] = "postgres",
            // nginx on 127.0.0.1 says who the client was and which host it asked for.
            ["ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
        };

        Task<ServiceProcess[]> Pair(string name, string project, string dll, Func<int, Dictionary<string, string>> settings) =>
            Task.WhenAll(Enumerable.Range(0, 2).Select(i => StartAsync($"{name}-{(char)('a' + i)}", ServiceProcess.LocateDll(project, dll),
                common.Concat(settings(i)).Append(Home($"{name}-{i}")).ToDictionary())));

        var inventory = Pair("inventory", "inventory", "Federation.Inventory.dll", _ => new()
        {
            ["Database__ConnectionString"] = connection["inventory"],
            ["Database__SeedDemo"] = "true",
            ["Auth__Authority"] = issuer,
        });
        var samlUpstreamMetadata = Path.Combine(_data, "saml-upstream-metadata.xml");
        await File.WriteAllTextAsync(samlUpstreamMetadata, SamlUpstream.Metadata());
        var idp = Pair("idp", "idp", "Federation.Idp.dll", i => new()
        {
            ["Database__ConnectionString"] = connection["idp"],
            ["Idp__Issuer"] = issuer,
            ["Idp__SigninEventsUrl"] = register + "api/signin-events",
            ["Feed__FeedUrl"] = register + "api/federation/feed",
            ["Feed__CachePath"] = Path.Combine(_data, $"idp-{i}-feed.json"),
            // The burst signs the same person in 40 times; the per-account throttle (per replica) is not under test.
            ["Login__AttemptsPerAccount"] = "1000",
            // Both replicas are one SAML SP at the pool's address (SAML's tables in the idp's database).
            ["Saml__PublicOrigin"] = issuer,
            ["Saml__SpEntityId"] = issuer + "saml/sp",
            ["Saml__IdpEntityId"] = issuer + "saml",
            ["Saml__Upstreams__0__Name"] = SamlUpstreamName,
            ["Saml__Upstreams__0__MetadataPath"] = samlUpstreamMetadata,
        });
        var gateway = Pair("gateway", "gateway", "Federation.Gateway.dll", i => new()
        {
            ["Database__ConnectionString"] = connection["gateway"],
            ["Identity__Authority"] = issuer,
            ["Feed__FeedUrl"] = register + "api/federation/feed",
            ["Feed__CachePath"] = Path.Combine(_data, $"gateway-{i}-feed.json"),
            ["Feed__Credentials__TokenEndpoint"] = issuer + "connect/token",
        });
        var demo = StartAsync("procapita", ServiceProcess.LocateDll("demo/Backend", "Federation.Demo.Backend.dll"), []);
        Inventory = await inventory;
        Idp = await idp;
        Gateway = await gateway;
        Demo = await demo;

        InventoryPool = new Nginx.Pool("inventory", inventoryPort, [.. Inventory.Select(s => s.BaseAddress)]);
        IdpPool = new Nginx.Pool("idp", idpPort, [.. Idp.Select(s => s.BaseAddress)]);
        GatewayPool = new Nginx.Pool("gateway", gatewayPort, [.. Gateway.Select(s => s.BaseAddress)]);
        _nginx = await Nginx.StartAsync([InventoryPool, IdpPool, GatewayPool], TimeSpan.FromMinutes(20));

        // The demo register names the default ports: point the gateway's client and ProCapita at this run's.
        AdminToken = await Eventually.GetAsync(
            () => new CodeFlowClient(IdpPool.Address, RegisterClientId, RegisterRedirectUri).GetAccessTokenAsync("ulf.admin", "openid federation.register"),
            TimeSpan.FromSeconds(60), "ulf.admin gets a register token through the idp pool");
        await UpdateSystemAsync("federation", system =>
        {
            var client = system["integration"]!["oidcClient"]!;
            client["redirectUris"] = new JsonArray($"http://127.0.0.1:{gatewayPort}/signin-oidc");
            client["postLogoutRedirectUris"] = new JsonArray($"http://127.0.0.1:{gatewayPort}/signout-callback-oidc");
        });
        await UpdateSystemAsync("procapita", system =>
            system["integration"]!["backend"]!["upstreams"] = new JsonArray(Demo.BaseAddress.AbsoluteUri.TrimEnd('/')));
        // Both idps must know the gateway's redirect URI, and both gateways ProCapita's upstream.
        foreach (var replica in Idp)
        {
            await WaitUntilIdpAcceptsAsync(replica.BaseAddress, $"http://127.0.0.1:{gatewayPort}/signin-oidc");
        }
        var version = await FeedVersionAsync();
        foreach (var replica in Gateway)
        {
            // Each gateway says which feed version it routes by; it must have the one with this run's ProCapita.
            await WaitUntilRoutingAsync(replica, version);
        }
    }

    [GeneratedRegex(@"Gateway configuration from feed version (\d+)")]
    private static partial Regex RoutesVersion();

    private async Task<long> FeedVersionAsync()
    {
        using var http = new HttpClient { BaseAddress = InventoryPool.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await FeedTokenAsync());
        var feed = await http.GetFromJsonAsync<JsonObject>("api/federation/feed");
        return feed!["version"]!.GetValue<long>();
    }

    /// <summary>
    /// A home folder per replica, as separate machines or pods have: ASP.NET Core's default key store
    /// (~/.aspnet/DataProtection-Keys) would otherwise be shared through the one user's home and hide
    /// a service that does not share its keys through its database.
    /// </summary>
    private KeyValuePair<string, string> Home(string replica) =>
        new("HOME", Directory.CreateDirectory(Path.Combine(_data, "home-" + replica)).FullName);

    private async Task<ServiceProcess> StartAsync(string name, string dll, Dictionary<string, string> environment, int port = 0)
    {
        var service = await ServiceProcess.StartAsync(name, dll, port, environment);
        lock (_services)
        {
            _services.Add(service);
            _starts[name] = (dll, environment);
        }
        return service;
    }

    /// <summary>Starts a killed replica again on its old port, so nginx's pool finds it there (as an orchestrator would).</summary>
    public async Task RestartAsync(ServiceProcess[] pair, int index)
    {
        var killed = pair[index];
        var (dll, environment) = _starts[killed.Name];
        var restarted = await StartAsync(killed.Name, dll, environment, killed.BaseAddress.Port);
        // Ready for the tests that address it directly: it knows the register's current clients and routes.
        if (pair == Idp)
        {
            await WaitUntilIdpAcceptsAsync(restarted.BaseAddress, $"http://127.0.0.1:{GatewayPool.Port}/signin-oidc");
        }
        else if (pair == Gateway)
        {
            await WaitUntilRoutingAsync(restarted, await FeedVersionAsync());
        }
        pair[index] = restarted;
    }

    private static Task WaitUntilRoutingAsync(ServiceProcess gateway, long version) =>
        Eventually.TrueAsync(() => gateway.Output.Any(line => RoutesVersion().Match(line) is { Success: true } m
            && long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= version), 120, $"{gateway.Name} routes feed version {version}");

    public HttpClient RegisterApi(Uri at) => FederationCalls.RegisterApi(at, AdminToken);

    public Task UpdateSystemAsync(string id, Action<JsonObject> change, Uri? at = null) =>
        FederationCalls.UpdateSystemAsync(at ?? InventoryPool.Address, AdminToken, id, change);

    private static Task WaitUntilIdpAcceptsAsync(Uri idp, string redirectUri) =>
        FederationCalls.WaitUntilIdpAcceptsRedirectAsync(idp, FederationStack.GatewayClientId, redirectUri, TimeSpan.FromSeconds(60));

    /// <summary>A feed reader's token (the gateway's own client credentials in the demo).</summary>
    public Task<string> FeedTokenAsync() => FederationCalls.FeedTokenAsync(IdpPool.Address);

    private static async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        // Enough connections for two replicas' pools and a kill that leaves some behind.
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, MaxPoolSize = 40 }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }
        var logs = Path.Combine(AppContext.BaseDirectory, "replica-logs");
        if (Directory.Exists(logs))
        {
            Directory.Delete(logs, recursive: true);
        }
        Directory.CreateDirectory(logs);
        foreach (var service in _services.AsEnumerable().Reverse())
        {
            await service.DisposeAsync();
            await File.AppendAllLinesAsync(Path.Combine(logs, service.Name + ".log"), service.Output);
        }
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        foreach (var service in new[] { "inventory", "idp", "gateway" })
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_prefix}_{service}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        Directory.Delete(_data, recursive: true);
        SamlUpstream.Dispose();
    }
}
