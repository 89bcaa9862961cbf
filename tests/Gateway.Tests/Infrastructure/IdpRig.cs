extern alias idp;

using System.Net;
using Federation.Core.Feed;
using Federation.Core.Secrets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ClientSync = idp::Federation.Idp.Clients.ClientSync;
using IdpProgram = idp::Program;

namespace Federation.Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway with the real idp (its own SQLite file, demo users) instead of the test token
/// issuer; both read the same register feed, in which the gateway is the confidential client
/// <c>federation-gateway</c> of system <c>federation</c>.
/// </summary>
public class IdpRig : GatewayRig
{
    /// <summary>Classes with their own real idp run one after the other: two idps in one process collide on seeding the demo users.</summary>
    public const string Collection = "real idp";

    public const string ClientSecret = "gateway-test-secret-0123456789";
    public const string Password = "Skola-Demo-2026!";

    /// <summary>rolf.rektor's authenticator secret (idp/Identity/DemoUsers.cs), so loa3 can be reached.</summary>
    public const string RolfTotpSecret = "IZSWIZLSMF2GS33OFVSGK3LPFV2G65DQ";

    private readonly string _dataDirectory = System.IO.Directory.CreateTempSubdirectory("gateway-idp-tests-").FullName;
    private WebApplicationFactory<IdpProgram>? _idp;

    public Uri IdpAddress { get; private set; } = null!;

    protected override Task BeforeGatewayAsync() =>
        // The issuer is configuration, so the port is chosen before the start (retried if taken meanwhile).
        Loopback.StartOnFreePortAsync(port =>
        {
            StartIdp(port);
            return Task.FromResult(true);
        });

    private void StartIdp(int port)
    {
        IdpAddress = new Uri($"http://127.0.0.1:{port}/");
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = IdpAddress.AbsoluteUri,
            ["Idp:Issuer"] = IdpAddress.AbsoluteUri,
            ["Idp:SeedDemoUsers"] = "true",
            ["Idp:SigninEventsUrl"] = new Uri(Register.FeedUrl, "/api/signin-events").AbsoluteUri,
            ["Feed:FeedUrl"] = Register.FeedUrl.AbsoluteUri,
            ["Feed:CachePath"] = null,
            ["Feed:RetryDelay"] = "00:00:00.200",
            ["Database:Provider"] = "sqlite",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(_dataDirectory, "idp.db")}",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        ConfigureIdp(settings);
        _idp = new WebApplicationFactory<IdpProgram>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            // The idp reads its database settings while building: only host settings arrive in time
            // (without them every rig shared bin/data/idp.db, and parallel rigs collided).
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        });
        _idp.UseKestrel(o => o.Listen(IPAddress.Loopback, IdpAddress.Port));
        try
        {
            _idp.StartServer();
        }
        catch
        {
            _idp.Dispose();
            _idp = null;
            throw;
        }
    }

    /// <summary>Idp settings a test class changes, e.g. token lifetimes.</summary>
    protected virtual void ConfigureIdp(Dictionary<string, string?> settings)
    {
    }

    internal IServiceProvider IdpServices => _idp!.Services;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Identity:Authority"] = IdpAddress.AbsoluteUri;
        settings["Identity:ClientSecret"] = ClientSecret;
    }

    /// <summary>Registers the gateway (now that its address is known) and waits until the idp has the client.</summary>
    protected override async Task AfterGatewayAsync()
    {
        // The gateway's own client is released only its access decision's inputs; each backend's
        // list reaches the backend through a per-system token.
        var feed = await PublishAsync(f => DemoFeed.WithReleaseSystems(f.With(new FeedSystem("federation", "Federationen", LifecyclePhase.AnvandningOchSupport,
            DemoFeed.Anyone, ["roles", "school_units", "groups", "acr"],
            new FeedOidcClient("federation-gateway", ClientSecretHash.Create(ClientSecret),
                [new Uri(GatewayAddress, "/signin-oidc").AbsoluteUri], [new Uri(GatewayAddress, "/signout-callback-oidc").AbsoluteUri],
                ["authorization_code", "refresh_token"], []))), BackendA.Address));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _idp!.Services.GetRequiredService<ClientSync>().WaitForVersionAsync(feed.Version, timeout.Token);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _idp?.Dispose();
        try
        {
            System.IO.Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
