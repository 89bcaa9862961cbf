using System.Net;
using System.Net.Http.Headers;
using Federation.Core.Feed;
using Federation.Gateway.Routing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Federation.Gateway.Tests.Infrastructure;

/// <summary>The gateway itself (Program) on real Kestrel, configured for a test.</summary>
internal sealed class GatewayHost(
    IReadOnlyDictionary<string, string?> settings,
    TimeProvider? time = null,
    string environment = "Testing",
    Action<IConfigurationBuilder>? sources = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        if (time is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(time)));
        }
        builder.ConfigureAppConfiguration((_, config) =>
        {
            config.AddInMemoryCollection(settings);
            sources?.Invoke(config);
        });
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>The public address (and the management port too, when the settings name one).</summary>
    public Uri Start()
    {
        var management = settings.GetValueOrDefault("Management:Port") is { } port ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) : 0;
        UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            if (management > 0)
            {
                o.Listen(IPAddress.Loopback, management);
            }
        });
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => management == 0 || new Uri(a).Port != management));
    }
}

/// <summary>A rig whose gateway runs on a clock the test turns (session expiry without waiting for it).</summary>
public sealed class FakeClockGatewayRig : GatewayRig
{
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override TimeProvider? Time => Clock;
}

/// <summary>
/// Everything around one gateway: a token issuer (JWKS), the register's feed, two echo
/// backends, and the gateway pointed at them. One per test class.
/// </summary>
public class GatewayRig : IAsyncLifetime
{
    public const string SigningKey = "test-signing-key-for-every-backend-0123456789";

    private readonly string _cacheDir = System.IO.Directory.CreateTempSubdirectory("gateway-tests-").FullName;
    private GatewayHost? _gateway;

    internal TestTokenIssuer Issuer { get; private set; } = null!;
    internal TestRegister Register { get; private set; } = null!;
    internal TestBackend BackendA { get; private set; } = null!;
    internal TestBackend BackendB { get; private set; } = null!;

    public Uri GatewayAddress { get; private set; } = null!;

    /// <summary>The gateway's management port (metrics, health details), as an operator's scraper sees it.</summary>
    public Uri ManagementAddress { get; private set; } = null!;

    public string CachePath => Path.Combine(_cacheDir, "feed.json");

    /// <summary>Settings a test class changes, e.g. rate limits.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Further configuration sources after the settings, e.g. a file the test rewrites.</summary>
    protected virtual void AddSources(IConfigurationBuilder config)
    {
    }

    /// <summary>The time the gateway sees; null for the system clock.</summary>
    protected virtual TimeProvider? Time => null;

    /// <summary>For peers the gateway needs to know before it starts (e.g. the real idp).</summary>
    protected virtual Task BeforeGatewayAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Issuer = await TestTokenIssuer.StartAsync();
        BackendA = await TestBackend.StartAsync("A", SigningKey);
        BackendB = await TestBackend.StartAsync("B", SigningKey);
        Register = await TestRegister.StartAsync(DemoFeed.Create(BackendA.Address, BackendB.Address));
        await BeforeGatewayAsync();
        StartGateway(Register.FeedUrl);
        // The proxy's route table follows the directory a moment later.
        var routes = GatewayServices.GetRequiredService<Yarp.ReverseProxy.IProxyStateLookup>();
        await Loopback.EventuallyAsync(() => Task.FromResult(routes.TryGetRoute("system-echo", out _)), "first feed routed");
        await AfterGatewayAsync();
    }

    /// <summary>For peers that need the gateway's address (e.g. its redirect URI at the idp).</summary>
    protected virtual Task AfterGatewayAsync() => Task.CompletedTask;

    internal SystemDirectory Directory => _gateway!.Services.GetRequiredService<SystemDirectory>();

    internal IServiceProvider GatewayServices => _gateway!.Services;

    /// <summary>Starts a (further) gateway that <see cref="Client"/> then talks to; the rig disposes the last one.</summary>
    internal void StartGateway(Uri feedUrl)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Feed:FeedUrl"] = feedUrl.ToString(),
            ["Feed:CachePath"] = CachePath,
            ["Feed:RetryDelay"] = "00:00:00.200",
            ["Feed:MaxRetryDelay"] = "00:00:01",
            ["Identity:Authority"] = Issuer.Issuer,
            ["Identity:ClientId"] = "federation-gateway",
            ["Identity:ClientSecret"] = TestTokenIssuer.ClientSecret,
            ["Gateway:HealthCheckInterval"] = "00:00:01",
            ["Gateway:HealthCheckTimeout"] = "00:00:05",
            ["Gateway:ReactivationPeriod"] = "00:00:01",
            ["Gateway:RateLimits:PermitsPerUser"] = "100000",
            ["Gateway:RateLimits:PermitsPerAddress"] = "100000",
            ["Management:Port"] = Loopback.CandidatePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var system in DemoFeed.SystemIds)
        {
            settings[$"Gateway:Backends:{system}:SigningKey"] = SigningKey;
        }
        Configure(settings);
        _gateway?.Dispose();
        _gateway = new GatewayHost(settings, Time, sources: AddSources);
        GatewayAddress = _gateway.Start();
        ManagementAddress = new Uri($"http://127.0.0.1:{settings["Management:Port"]}/");
    }

    internal void StopGateway()
    {
        _gateway?.Dispose();
        _gateway = null;
    }

    /// <summary>A client for the gateway: no redirects followed, no cookie jar.</summary>
    public HttpClient Client(string? bearer = null, bool browser = false)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            // The test's own traceparent goes out as written (the gateway's telemetry shares this process).
            ActivityHeadersPropagator = null,
        })
        {
            BaseAddress = GatewayAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        client.DefaultRequestHeaders.Accept.ParseAdd(browser ? "text/html,application/xhtml+xml" : "application/json");
        return client;
    }

    /// <summary>A client for the management port.</summary>
    public HttpClient ManagementClient() => new() { BaseAddress = ManagementAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Publishes a change and waits until the gateway runs on it.</summary>
    internal async Task<FederationFeed> PublishAsync(Func<FederationFeed, FederationFeed> change)
    {
        var feed = Register.Publish(change);
        await Loopback.EventuallyAsync(() => Task.FromResult(Directory.Current.Feed?.Version >= feed.Version), "feed version " + feed.Version);
        return feed;
    }

    public virtual async Task DisposeAsync()
    {
        StopGateway();
        await Register.DisposeAsync();
        await BackendA.DisposeAsync();
        await BackendB.DisposeAsync();
        await Issuer.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(_cacheDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
