using System.Net;
using Federation.Core.Feed;
using Federation.Idp.Clients;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Idp.Tests.Infrastructure;

/// <summary>
/// The real idp on real Kestrel (127.0.0.1, a free port) with its own SQLite file (or
/// PostgreSQL database) and its own feed server. <see cref="RestartAsync"/> starts a new
/// process-equivalent on the same database.
/// </summary>
public class IdpHost : IAsyncLifetime
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private WebApplicationFactory<Program>? _factory;

    public FeedServer Feed { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;


    public string Issuer => BaseAddress.AbsoluteUri;

    /// <summary>Where operators read <c>/metrics</c> and the detailed <c>/health/ready</c>.</summary>
    public Uri ManagementAddress { get; private set; } = null!;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "federation-idp-tests", Guid.NewGuid().ToString("N"));

    public IServiceProvider Services => _factory!.Services;

    /// <summary>Settings a test class needs on top of the defaults (e.g. a short code lifetime).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => [];

    /// <summary>Services a test class replaces (after the idp's own registrations).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>The database: a SQLite file by default.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() =>
    [
        new("Database:Provider", "sqlite"),
        new("Database:ConnectionString", $"Data Source={Path.Combine(DataDirectory, "idp.db")}"),
    ];

    protected virtual FederationFeed InitialFeed() => TestSystems.Feed();

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        Feed = await FeedServer.StartAsync(InitialFeed());
        await StartAsync();
    }

    private async Task StartAsync()
    {
        // A restart keeps the address: the issuer is part of every token.
        if (BaseAddress is not null)
        {
            await StartOnAsync();
            return;
        }
        // The issuer is configuration, so the port is chosen before the start (retried if taken meanwhile).
        await Loopback.StartOnFreePortAsync(async port =>
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            ManagementAddress = new Uri($"http://127.0.0.1:{Loopback.CandidatePort()}/");
            await StartOnAsync();
            return true;
        });
    }

    private async Task StartOnAsync()
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Idp:Issuer"] = Issuer,
            ["Idp:SeedDemoUsers"] = "true",
            ["Idp:SigninEventsUrl"] = Feed.SigninEventsUrl.AbsoluteUri,
            ["Feed:FeedUrl"] = Feed.FeedUrl.AbsoluteUri,
            ["Feed:WaitSeconds"] = "20",
            // Each host its own feed cache: a shared file hands one host another's feed of the same version.
            ["Feed:CachePath"] = Path.Combine(DataDirectory, "feed.json"),
            ["Feed:RetryDelay"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
            // Production serves metrics and health details only on the management port; the test's
            // Urls win over the service defaults' own listing, so both addresses are named here.
            ["Urls"] = $"{BaseAddress.AbsoluteUri};{ManagementAddress.AbsoluteUri}",
            ["Management:Port"] = ManagementAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // SAML: this host's own database file and URLs.
            ["Saml:ConnectionString"] = $"Data Source={Path.Combine(DataDirectory, "saml.db")}",
            ["Saml:PublicOrigin"] = BaseAddress.AbsoluteUri,
            ["Saml:IdpEntityId"] = new Uri(BaseAddress, "saml").AbsoluteUri,
            ["Saml:SpEntityId"] = new Uri(BaseAddress, "saml/sp").AbsoluteUri,
            // Every test signs in from 127.0.0.1, many times as the same person: the login limits
            // are tested on their own (Pages/LoginThrottleTests).
            ["Login:AttemptsPerAddress"] = "100000",
            ["Login:AttemptsPerAccount"] = "10000",
        };
        foreach (var (key, value) in DatabaseSettings().Concat(ExtraSettings()))
        {
            settings[key] = value;
        }
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            // appsettings.json is read after the settings above: its Urls would win without this.
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
            builder.ConfigureTestServices(ConfigureServices);
        });
        _factory.UseKestrel();
        try
        {
            _factory.StartServer();
        }
        catch
        {
            await _factory.DisposeAsync();
            _factory = null;
            throw;
        }
        // Ready when the clients of the first feed exist.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Services.GetRequiredService<ClientSync>().WaitForVersionAsync(Feed.Feed.Version, timeout.Token);
    }

    /// <summary>Publishes a feed change and waits until the idp's clients match it.</summary>
    public async Task PublishAsync(Func<IReadOnlyList<FeedSystem>, IEnumerable<FeedSystem>> change)
    {
        var feed = Feed.Publish(change);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Services.GetRequiredService<ClientSync>().WaitForVersionAsync(feed.Version, timeout.Token);
    }

    public async Task RestartAsync()
    {
        await _factory!.DisposeAsync();
        await StartAsync();
    }

    /// <summary>An operator's client on the management port.</summary>
    public HttpClient CreateManagementClient() => new() { BaseAddress = ManagementAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (the tests look at each hop).</summary>
    public HttpClient CreateBrowser(CookieContainer? cookies = null, string? acceptLanguage = null)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = cookies ?? new CookieContainer(),
        })
        { BaseAddress = BaseAddress };
        if (acceptLanguage is not null)
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        }
        return client;
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await Feed.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still open on a slow shutdown: the temp folder is cleaned by the OS
        }
    }
}
