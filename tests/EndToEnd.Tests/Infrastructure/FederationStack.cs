using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Federation.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The whole federation as real processes on free loopback ports with a fresh data folder:
/// inventory (demo register), idp (demo users), the ProCapita stand-in and the gateway, wired by
/// configuration. The demo register names the default ports, so the register administrator
/// (ulf.admin) signs in and points the gateway's client and ProCapita's upstream at this run's ports
/// through the register API, the way an operator would.
/// </summary>
public sealed class FederationStack : IAsyncLifetime
{
    /// <summary>The register's public client and the redirect URI of its API reference page (demo register).</summary>
    public const string RegisterClientId = "federation-register";
    public const string RegisterRedirectUri = "http://127.0.0.1:5300/scalar/";
    public const string GatewayClientId = "federation-gateway";
    public const string GatewaySecret = "gateway-demo-secret";

    /// <summary>
    /// The services log "Request starting …" lines (with the TraceId scope) only when this category is at
    /// Information; their appsettings keep Microsoft.AspNetCore at Warning, so the trace test turns it on.
    /// </summary>
    private const string RequestLogging = "Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "federation-e2e-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProcess> _services = [];

    public ServiceProcess Inventory { get; private set; } = null!;
    public ServiceProcess Idp { get; private set; } = null!;
    public ServiceProcess Demo { get; private set; } = null!;
    public ServiceProcess Gateway { get; private set; } = null!;

    /// <summary>Every service exports its spans, metrics and logs here (OTLP/HTTP protobuf), as to a collector.</summary>
    public OtlpReceiver Telemetry { get; private set; } = null!;

    /// <summary>Each service's management port (<c>/metrics</c>, <c>/health/ready</c>), by service name.</summary>
    public Dictionary<string, Uri> Management { get; } = [];

    /// <summary>ulf.admin's access token for the register API (authorization code + PKCE).</summary>
    public string AdminToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        Telemetry = await OtlpReceiver.StartAsync();
        var dlls = new
        {
            Inventory = ServiceProcess.LocateDll("inventory", "Federation.Inventory.dll"),
            Idp = ServiceProcess.LocateDll("idp", "Federation.Idp.dll"),
            Gateway = ServiceProcess.LocateDll("gateway", "Federation.Gateway.dll"),
            Demo = ServiceProcess.LocateDll("demo/ProCapitaStandIn", "Federation.Demo.ProCapita.dll"),
        };
        // The idp's issuer is its own configuration and the register's authority, so the idp's port
        // is chosen before it starts (and both are started again on another one if a process takes
        // it meanwhile). Every other service listens on a port the OS gives it, read back from its
        // "Now listening on" line, and is registered where others need it after it started.
        var samlUpstreamMetadata = WriteSamlUpstreamMetadata();
        (Inventory, Idp) = await Loopback.StartOnFreePortAsync(async idpPort =>
        {
            var issuer = $"http://127.0.0.1:{idpPort}/";
            var inventory = await ServiceProcess.StartAsync("inventory", dlls.Inventory, 0, Observed("inventory", new()
            {
                ["Database__ConnectionString"] = $"Data Source={Path.Combine(_data, "inventory.db")}",
                ["Auth__Authority"] = issuer,
            }));
            try
            {
                var idp = await ServiceProcess.StartAsync("idp", dlls.Idp, idpPort, Observed("idp", new()
                {
                    ["Database__ConnectionString"] = $"Data Source={Path.Combine(_data, "idp.db")}",
                    ["Idp__Issuer"] = issuer,
                    ["Idp__SigninEventsUrl"] = new Uri(inventory.BaseAddress, "api/signin-events").AbsoluteUri,
                    ["Feed__FeedUrl"] = FeedUrl(inventory),
                    ["Feed__CachePath"] = Path.Combine(_data, "idp-feed.json"),
                    [RequestLogging] = "Information",
                    // An upstream SAML IdP known by its metadata only (nobody signs in there): its signing
                    // certificate's expiry is what the idp reports for the certificate alert.
                    ["Saml__Upstreams__0__Name"] = SamlUpstream,
                    ["Saml__Upstreams__0__MetadataPath"] = samlUpstreamMetadata,
                }));
                return (inventory, idp);
            }
            catch
            {
                await inventory.DisposeAsync();
                throw;
            }
        });
        _services.Add(Inventory);
        _services.Add(Idp);
        Demo = await StartAsync("procapita", dlls.Demo, []);

        AdminToken = await Eventually.GetAsync(
            () => new CodeFlowClient(Idp.BaseAddress, RegisterClientId, RegisterRedirectUri)
                .GetAccessTokenAsync("ulf.admin", "openid federation.register"),
            TimeSpan.FromSeconds(30), "ulf.admin gets a register token from the idp");

        // The register's pages sign people in with the register's client: its redirect URIs are this run's.
        var register = Inventory.BaseAddress.AbsoluteUri.TrimEnd('/');
        await UpdateSystemAsync("register", system =>
        {
            var client = system["integration"]!["oidcClient"]!;
            client["redirectUris"] = new JsonArray(RegisterRedirectUri, $"{register}/signin-oidc");
            client["postLogoutRedirectUris"] = new JsonArray($"{register}/signout-callback-oidc");
        });

        // The gateway starts on a feed that already routes ProCapita to the demo backend.
        await UpdateSystemAsync("procapita", system =>
            system["integration"]!["backend"]!["upstreams"] = new JsonArray(Demo.BaseAddress.AbsoluteUri.TrimEnd('/')));
        Gateway = await StartAsync("gateway", dlls.Gateway, new()
        {
            ["Identity__Authority"] = Idp.BaseAddress.AbsoluteUri,
            ["Feed__FeedUrl"] = FeedUrl(Inventory),
            ["Feed__CachePath"] = Path.Combine(_data, "gateway-feed.json"),
            ["Feed__Credentials__TokenEndpoint"] = new Uri(Idp.BaseAddress, "connect/token").AbsoluteUri,
            [RequestLogging] = "Information",
        });
        // The gateway's redirect URIs are known once it listens; nobody signs in through it before
        // the idp has them from the register.
        var gateway = Gateway.BaseAddress.AbsoluteUri.TrimEnd('/');
        await UpdateSystemAsync("federation", system =>
        {
            var client = system["integration"]!["oidcClient"]!;
            client["redirectUris"] = new JsonArray($"{gateway}/signin-oidc");
            client["postLogoutRedirectUris"] = new JsonArray($"{gateway}/signout-callback-oidc");
        });
        await WaitUntilIdpAcceptsRedirectAsync(GatewayClientId, $"{gateway}/signin-oidc");
        await WaitUntilIdpAcceptsRedirectAsync(RegisterClientId, $"{register}/signin-oidc");
    }

    /// <summary>The name of the metadata-only SAML upstream of the idp.</summary>
    public const string SamlUpstream = "kommun-adfs";

    /// <summary>The upstream's signing certificate expires this long after the run starts.</summary>
    public static readonly TimeSpan SamlUpstreamCertificateLifetime = TimeSpan.FromDays(20);

    private string WriteSamlUpstreamMetadata()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=adfs.kommun.example", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.Add(SamlUpstreamCertificateLifetime));
        var path = Path.Combine(_data, "kommun-adfs-metadata.xml");
        File.WriteAllText(path, $"""
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://adfs.kommun.example/adfs/services/trust">
              <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String(certificate.Export(X509ContentType.Cert))}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://adfs.kommun.example/adfs/ls/"/>
              </md:IDPSSODescriptor>
            </md:EntityDescriptor>
            """);
        return path;
    }

    private static string FeedUrl(ServiceProcess inventory) => new Uri(inventory.BaseAddress, "api/federation/feed").AbsoluteUri;

    /// <summary>
    /// A service's environment with its own management port (<c>/metrics</c>, <c>/health/ready</c>)
    /// and the OTLP export to <see cref="Telemetry"/>. The management port is picked before the start
    /// (bind, release): <see cref="ServiceProcess"/> reads the first address a service reports, its public one.
    /// </summary>
    private Dictionary<string, string> Observed(string name, Dictionary<string, string> environment)
    {
        var management = ServiceProcess.FreePort();
        environment["Management__Port"] = management.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Management__Address"] = "127.0.0.1";
        foreach (var (key, value) in Telemetry.Environment())
        {
            environment[key] = value;
        }
        Management[name] = new Uri($"http://127.0.0.1:{management}/");
        return environment;
    }

    private async Task<ServiceProcess> StartAsync(string name, string dll, Dictionary<string, string> environment)
    {
        var service = await ServiceProcess.StartAsync(name, dll, 0, Observed(name, environment));
        _services.Add(service);
        return service;
    }

    /// <summary>A client of the register API with ulf.admin's token.</summary>
    public HttpClient RegisterApi() => FederationCalls.RegisterApi(Inventory.BaseAddress, AdminToken);

    /// <summary>Changes a system in the register as ulf.admin.</summary>
    public Task UpdateSystemAsync(string id, Action<JsonObject> change) =>
        FederationCalls.UpdateSystemAsync(Inventory.BaseAddress, AdminToken, id, change);

    private Task WaitUntilIdpAcceptsRedirectAsync(string clientId, string redirectUri) =>
        FederationCalls.WaitUntilIdpAcceptsRedirectAsync(Idp.BaseAddress, clientId, redirectUri, TimeSpan.FromSeconds(30));

    /// <summary>A feed reader's token (the gateway's own client credentials in the demo).</summary>
    public Task<string> FeedTokenAsync() => FederationCalls.FeedTokenAsync(Idp.BaseAddress);

    public async Task DisposeAsync()
    {
        // The services' logs stay beside the test assembly for whoever reads a failure.
        var logs = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "e2e-logs"));
        for (var i = _services.Count - 1; i >= 0; i--)
        {
            await _services[i].DisposeAsync();
            await File.WriteAllLinesAsync(Path.Combine(logs.FullName, _services[i].Name + ".log"), _services[i].Output);
        }
        await Telemetry.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open; the temp folder is cleaned by the OS
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FederationCollection : ICollectionFixture<FederationStack>
{
    public const string Name = "federation";
}
