using System.Net;
using System.Security.Cryptography;
using Federation.Core.Feed;
using k8s.Models;

namespace Federation.Operations.Tests.K8s;

/// <summary>
/// The probes and the scrape path as the manifests write them, asked of the built services: each
/// started as a process in Production with a management port, SQLite and secrets made here, its
/// container ports mapped to free local ports by the ConfigMap's Urls and Management__Port.
/// </summary>
public sealed class ProbeTests(ProbeTests.RunningServices running) : IClassFixture<ProbeTests.RunningServices>
{
    public static TheoryData<string> Services => [.. Overlay.Services];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Liveness_readiness_and_scrape_paths_of_the_manifests_answer_200_on_their_ports(string service)
    {
        var deployment = Overlay.Render("prod").Deployment(service);
        var container = deployment.Spec.Template.Spec.Containers.Single();
        var annotations = deployment.Spec.Template.Metadata.Annotations;
        var ports = running.Ports[service];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var asked = new List<(int ContainerPort, string Path)>();
        foreach (var probe in new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe })
        {
            asked.Add((container.Ports.Single(p => p.Name == probe.HttpGet.Port.Value).ContainerPort, probe.HttpGet.Path));
        }
        asked.Add((int.Parse(annotations["prometheus.io/port"]), annotations["prometheus.io/path"]));

        foreach (var (containerPort, path) in asked)
        {
            Assert.True(ports.TryGetValue(containerPort, out var local), $"{service}: port {containerPort} is neither the public nor the management port");
            // Readiness follows the feed, which the service fetches right after it starts listening.
            var last = HttpStatusCode.ServiceUnavailable;
            await Eventually.TrueAsync(async () =>
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{local}{path}"));
                last = response.StatusCode;
                return last == HttpStatusCode.OK;
            }, what: $"{service} answers 200 at container port {containerPort} {path}");
            Assert.Equal(HttpStatusCode.OK, last);
        }

        // The management paths are not served on the public port, the one the ingress forwards.
        using var publicMetrics = await http.GetAsync(new Uri($"http://127.0.0.1:{ports[PortOf(container, "http")]}{annotations["prometheus.io/path"]}"));
        Assert.Equal(HttpStatusCode.NotFound, publicMetrics.StatusCode);
    }

    private static int PortOf(V1Container container, string name) => container.Ports.Single(p => p.Name == name).ContainerPort;

    /// <summary>The three services, started once for the class.</summary>
    public sealed class RunningServices : IAsyncLifetime
    {
        private readonly string _data = Directory.CreateTempSubdirectory("operations-probes-").FullName;
        private readonly List<ServiceProcess> _processes = [];
        private FeedServer _register = null!;

        /// <summary>Per service: container port → the local port it listens on here.</summary>
        public Dictionary<string, Dictionary<int, int>> Ports { get; } = [];

        public async Task InitializeAsync()
        {
            _register = await FeedServer.StartAsync(new FederationFeed(1, DateTimeOffset.UtcNow, []));
            var idpPort = ServiceProcess.FreePort();
            // Independent of each other at start (the idp and the gateway follow the fake register), so together.
            await Task.WhenAll(StartAsync("inventory", ServiceProcess.FreePort(), new()
            {
                ["Database__ConnectionString"] = $"Data Source={Path.Combine(_data, "inventory.db")}",
                ["Audit__Key"] = Secret(),
                ["Auth__Authority"] = $"http://127.0.0.1:{idpPort}/",
            }), StartAsync("idp", idpPort, new()
            {
                ["Database__ConnectionString"] = $"Data Source={Path.Combine(_data, "idp.db")}",
                ["Idp__Issuer"] = $"http://127.0.0.1:{idpPort}/",
                ["Idp__SigninEventsUrl"] = _register.SigninEventsUrl.ToString(),
                ["Feed__FeedUrl"] = _register.FeedUrl.ToString(),
                ["Feed__CachePath"] = Path.Combine(_data, "idp-feed.json"),
            }), StartAsync("gateway", ServiceProcess.FreePort(), new()
            {
                // The gateway's optional database (shared data-protection keys) on SQLite here.
                ["Database__ConnectionString"] = $"Data Source={Path.Combine(_data, "gateway.db")}",
                ["Identity__Authority"] = $"http://127.0.0.1:{idpPort}/",
                ["Identity__ClientSecret"] = Secret(),
                ["Feed__FeedUrl"] = _register.FeedUrl.ToString(),
                ["Feed__CachePath"] = Path.Combine(_data, "gateway-feed.json"),
            }));
        }

        private async Task StartAsync(string service, int publicPort, Dictionary<string, string> settings)
        {
            var overlay = Overlay.Render("prod");
            var container = overlay.Deployment(service).Spec.Template.Spec.Containers.Single();
            var config = overlay.All<V1ConfigMap>().Single(c => c.Metadata.Name == $"{service}-config").Data;
            var managementPort = ServiceProcess.FreePort();
            settings["ASPNETCORE_ENVIRONMENT"] = "Production";
            settings["Database__Provider"] = "sqlite";
            settings["Management__Port"] = managementPort.ToString();
            settings["Management__Address"] = "127.0.0.1";
            var dll = ServiceProcess.LocateDll(service, $"Federation.{char.ToUpperInvariant(service[0])}{service[1..]}.dll");
            var process = await ServiceProcess.StartAsync(service, dll, publicPort, settings);
            // Container port → local port, by what the ConfigMap makes the service listen on.
            var ports = new Dictionary<int, int>
            {
                [int.Parse(config["Urls"].Split(':')[^1])] = publicPort,
                [int.Parse(config["Management__Port"])] = managementPort,
            };
            Assert.Equal(ports.Keys.Order(), container.Ports.Select(p => p.ContainerPort).Order());
            lock (_processes)
            {
                _processes.Add(process);
                Ports[service] = ports;
            }
        }

        /// <summary>A secret of this run: long, random, never a README value.</summary>
        private static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(36));

        public async Task DisposeAsync()
        {
            foreach (var process in _processes)
            {
                await process.DisposeAsync();
            }
            await _register.DisposeAsync();
            Directory.Delete(_data, recursive: true);
        }
    }
}
