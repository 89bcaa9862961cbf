using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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
        int inventoryPort = ServiceProcess.FreePort(), idpPort = ServiceProcess.FreePort(),
            demoPort = ServiceProcess.FreePort(), gatewayPort = ServiceProcess.FreePort();
        var issuer = $"http://127.0.0.1:{idpPort}/";
        var feed = $"http://127.0.0.1:{inventoryPort}/api/federation/feed";

        Inventory = await StartAsync("inventory", dlls.Inventory, inventoryPort, new()
        {
            ["Database__ConnectionString"] = $"Data Source={Path.Combine(_data, "inventory.db")}",
            ["Auth__Authority"] = issuer,
        });
        Idp = await StartAsync("idp", dlls.Idp, idpPort, new()
        {
            ["Database__ConnectionString"] = $"Data Source={Path.Combine(_data, "idp.db")}",
            ["Idp__Issuer"] = issuer,
            ["Idp__SigninEventsUrl"] = $"http://127.0.0.1:{inventoryPort}/api/signin-events",
            ["Feed__FeedUrl"] = feed,
            ["Feed__CachePath"] = Path.Combine(_data, "idp-feed.json"),
            [RequestLogging] = "Information",
            // An upstream SAML IdP known by its metadata only (nobody signs in there): its signing
            // certificate's expiry is what the idp reports for the certificate alert.
            ["Saml__Upstreams__0__Name"] = SamlUpstream,
            ["Saml__Upstreams__0__MetadataPath"] = WriteSamlUpstreamMetadata(),
        });
        Demo = await StartAsync("procapita", dlls.Demo, demoPort, new());

        AdminToken = await Eventually.GetAsync(
            () => new CodeFlowClient(Idp.BaseAddress, RegisterClientId, RegisterRedirectUri)
                .GetAccessTokenAsync("ulf.admin", "openid federation.register"),
            TimeSpan.FromSeconds(30), "ulf.admin gets a register token from the idp");

        var gateway = $"http://127.0.0.1:{gatewayPort}";
        await UpdateSystemAsync("federation", system =>
        {
            var client = system["integration"]!["oidcClient"]!;
            client["redirectUris"] = new JsonArray($"{gateway}/signin-oidc");
            client["postLogoutRedirectUris"] = new JsonArray($"{gateway}/signout-callback-oidc");
        });
        await UpdateSystemAsync("procapita", system =>
            system["integration"]!["backend"]!["upstreams"] = new JsonArray($"http://127.0.0.1:{demoPort}"));
        await WaitUntilIdpAcceptsRedirectAsync(GatewayClientId, $"{gateway}/signin-oidc");

        Gateway = await StartAsync("gateway", dlls.Gateway, gatewayPort, new()
        {
            ["Identity__Authority"] = issuer,
            ["Feed__FeedUrl"] = feed,
            ["Feed__CachePath"] = Path.Combine(_data, "gateway-feed.json"),
            ["Feed__Credentials__TokenEndpoint"] = issuer + "connect/token",
            [RequestLogging] = "Information",
        });
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

    private async Task<ServiceProcess> StartAsync(string name, string dll, int port, Dictionary<string, string> environment)
    {
        var management = ServiceProcess.FreePort();
        environment["Management__Port"] = management.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Management__Address"] = "127.0.0.1";
        foreach (var (key, value) in Telemetry.Environment())
        {
            environment[key] = value;
        }
        Management[name] = new Uri($"http://127.0.0.1:{management}/");
        var service = await ServiceProcess.StartAsync(name, dll, port, environment);
        _services.Add(service);
        return service;
    }

    /// <summary>A client of the register API with ulf.admin's token.</summary>
    public HttpClient RegisterApi()
    {
        var http = new HttpClient { BaseAddress = Inventory.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return http;
    }

    /// <summary>GET, change, PUT with If-Match: the register's optimistic concurrency.</summary>
    public async Task UpdateSystemAsync(string id, Action<JsonObject> change)
    {
        using var api = RegisterApi();
        using var current = await api.GetAsync($"api/systems/{id}");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        var system = (await current.Content.ReadFromJsonAsync<JsonObject>())!;
        change(system);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"api/systems/{id}") { Content = JsonContent.Create(system) };
        put.Headers.IfMatch.Add(current.Headers.ETag!);
        using var response = await api.SendAsync(put);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The idp follows the feed; once it knows the redirect URI, authorize sends the browser to the login page.</summary>
    private async Task WaitUntilIdpAcceptsRedirectAsync(string clientId, string redirectUri)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Idp.BaseAddress };
        var url = "connect/authorize?response_type=code&scope=openid&code_challenge_method=S256"
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
            + $"&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}";
        await Eventually.GetAsync(async () =>
        {
            using var response = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("login", response.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
            return true;
        }, TimeSpan.FromSeconds(30), $"the idp accepts {redirectUri} for {clientId}");
    }

    /// <summary>A feed reader's token (the gateway's own client credentials in the demo).</summary>
    public async Task<string> FeedTokenAsync()
    {
        using var http = new HttpClient { BaseAddress = Idp.BaseAddress };
        using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = GatewayClientId,
            ["client_secret"] = GatewaySecret,
            ["scope"] = "federation.feed",
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

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
