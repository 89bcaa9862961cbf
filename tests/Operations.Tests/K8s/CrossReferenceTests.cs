using System.Text.RegularExpressions;
using k8s.Models;

namespace Federation.Operations.Tests.K8s;

/// <summary>
/// What the API server cannot check: that the objects of an overlay fit together. Selectors find
/// pods, references find ConfigMaps, Secrets and keys (or the Secret is listed as made outside the
/// repository in k8s/README.md), ports are declared, autoscalers and budgets find their Deployments.
/// </summary>
public partial class CrossReferenceTests
{
    public static TheoryData<string> Overlays => [.. Overlay.Names];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Service_selectors_find_pods_and_target_ports_name_their_container_ports(string name)
    {
        var overlay = Overlay.Render(name);
        foreach (var service in overlay.All<V1Service>())
        {
            var pods = overlay.PodTemplates.Where(t => Overlay.Selects(service.Spec.Selector, t.Template.Metadata.Labels)).ToList();
            Assert.True(pods.Count > 0, $"Service {service.Metadata.Name} selects no pod template");
            foreach (var port in service.Spec.Ports)
            {
                Assert.All(pods, p => Assert.Contains(p.Template.Spec.Containers.SelectMany(c => c.Ports ?? []),
                    cp => cp.Name == port.TargetPort.Value || cp.ContainerPort.ToString() == port.TargetPort.Value));
            }
        }
        foreach (var deployment in overlay.Deployments)
        {
            Assert.True(Overlay.Selects(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels),
                $"Deployment {deployment.Metadata.Name}'s selector does not match its own pods");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_referenced_ConfigMap_Secret_and_key_exists_or_is_documented_as_external(string name)
    {
        var overlay = Overlay.Render(name);
        var configMaps = overlay.All<V1ConfigMap>().ToDictionary(c => c.Metadata.Name, c => c.Data?.Keys.ToHashSet() ?? []);
        var secrets = overlay.All<V1Secret>().ToDictionary(s => s.Metadata.Name, s => s.Data?.Keys.ToHashSet() ?? []);
        var external = ExternalSecrets();

        void Secret(string secret, string? key, string where)
        {
            if (secrets.TryGetValue(secret, out var keys))
            {
                Assert.True(key is null || keys.Contains(key), $"{where}: Secret {secret} has no key {key}");
            }
            else
            {
                Assert.True(external.Contains((secret, key ?? "*")) || (key is null && external.Any(e => e.Secret == secret)),
                    $"{where}: Secret {secret} (key {key ?? "any"}) is neither in the {name} overlay nor listed as external in k8s/README.md");
            }
        }

        foreach (var (workload, container) in overlay.Containers)
        {
            var where = $"{workload}/{container.Name}";
            foreach (var from in container.EnvFrom ?? [])
            {
                if (from.ConfigMapRef is { } map)
                {
                    Assert.True(configMaps.ContainsKey(map.Name), $"{where}: no ConfigMap {map.Name}");
                }
                if (from.SecretRef is { } secret)
                {
                    Secret(secret.Name, null, where);
                }
            }
            foreach (var env in container.Env ?? [])
            {
                if (env.ValueFrom?.ConfigMapKeyRef is { } mapKey)
                {
                    Assert.True(configMaps.TryGetValue(mapKey.Name, out var keys) && keys.Contains(mapKey.Key), $"{where}: no ConfigMap key {mapKey.Name}/{mapKey.Key}");
                }
                if (env.ValueFrom?.SecretKeyRef is { } secretKey)
                {
                    Secret(secretKey.Name, secretKey.Key, where);
                }
            }
        }
        foreach (var (workload, template) in overlay.PodTemplates)
        {
            foreach (var volume in template.Spec.Volumes ?? [])
            {
                if (volume.ConfigMap is { } map)
                {
                    Assert.True(configMaps.TryGetValue(map.Name, out var keys) && (map.Items ?? []).All(i => keys.Contains(i.Key)),
                        $"{workload}: volume {volume.Name} names a missing ConfigMap or key");
                }
                if (volume.Secret is { } secret)
                {
                    Secret(secret.SecretName, null, workload);
                }
            }
        }
        foreach (var ingress in overlay.All<V1Ingress>())
        {
            foreach (var tls in ingress.Spec.Tls ?? [])
            {
                Secret(tls.SecretName, "tls.crt", $"Ingress {ingress.Metadata.Name}");
                Secret(tls.SecretName, "tls.key", $"Ingress {ingress.Metadata.Name}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_dev_overlay_brings_every_secret_but_the_certificate_and_prod_brings_none(string name)
    {
        var overlay = Overlay.Render(name);
        var secrets = overlay.All<V1Secret>().Select(s => s.Metadata.Name).ToList();
        if (name == "prod")
        {
            Assert.Empty(secrets);
            return;
        }
        var referenced = overlay.Containers
            .SelectMany(c => (c.Container.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef?.Name)
                .Concat((c.Container.EnvFrom ?? []).Select(e => e.SecretRef?.Name)))
            .OfType<string>().Distinct();
        Assert.All(referenced, s => Assert.Contains(s, secrets));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Probes_use_declared_ports_and_the_ConfigMap_puts_the_service_on_them(string name)
    {
        var overlay = Overlay.Render(name);
        foreach (var (workload, container) in overlay.Containers)
        {
            var ports = (container.Ports ?? []).ToList();
            foreach (var probe in new[] { container.LivenessProbe, container.ReadinessProbe, container.StartupProbe }.OfType<V1Probe>())
            {
                if (probe.HttpGet is { } get)
                {
                    Assert.Contains(ports, p => p.Name == get.Port.Value || p.ContainerPort.ToString() == get.Port.Value);
                }
            }
        }
        foreach (var service in Overlay.Services)
        {
            var container = overlay.Deployment(service).Spec.Template.Spec.Containers.Single();
            var config = overlay.All<V1ConfigMap>().Single(c => c.Metadata.Name == $"{service}-config").Data;
            Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
            Assert.Equal("http", container.LivenessProbe.HttpGet.Port.Value);
            Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("management", container.ReadinessProbe.HttpGet.Port.Value);
            Assert.Equal(PortOf(container, "management").ToString(), config["Management__Port"]);
            Assert.EndsWith(":" + PortOf(container, "http"), config["Urls"]);
            Assert.Equal(config["Management__Port"], overlay.Deployment(service).Spec.Template.Metadata.Annotations["prometheus.io/port"]);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Images_name_the_three_services(string name)
    {
        var overlay = Overlay.Render(name);
        foreach (var service in Overlay.Services)
        {
            var image = overlay.Deployment(service).Spec.Template.Spec.Containers.Single().Image;
            Assert.Matches($"(^|/)federation/{service}:[A-Za-z0-9._-]+$", image);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Autoscalers_budgets_ingress_and_policies_point_at_what_exists(string name)
    {
        var overlay = Overlay.Render(name);
        foreach (var hpa in overlay.All<V2HorizontalPodAutoscaler>())
        {
            Assert.Equal("Deployment", hpa.Spec.ScaleTargetRef.Kind);
            Assert.Contains(overlay.Deployments, d => d.Metadata.Name == hpa.Spec.ScaleTargetRef.Name);
        }
        foreach (var pdb in overlay.All<V1PodDisruptionBudget>())
        {
            Assert.Contains(overlay.Deployments, d => Overlay.Selects(pdb.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels));
        }
        var services = overlay.All<V1Service>().ToList();
        foreach (var path in overlay.All<V1Ingress>().SelectMany(i => i.Spec.Rules).SelectMany(r => r.Http.Paths))
        {
            var service = Assert.Single(services, s => s.Metadata.Name == path.Backend.Service.Name);
            Assert.Contains(service.Spec.Ports, p => p.Name == path.Backend.Service.Port.Name);
        }
        foreach (var policy in overlay.All<V1NetworkPolicy>())
        {
            var labels = policy.Spec.PodSelector.MatchLabels;
            if (labels is { Count: > 0 })
            {
                Assert.True(overlay.PodTemplates.Any(t => Overlay.Selects(labels, t.Template.Metadata.Labels)), $"NetworkPolicy {policy.Metadata.Name} selects no pod");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void In_cluster_addresses_in_the_ConfigMaps_name_a_Service_and_one_of_its_ports(string name)
    {
        var overlay = Overlay.Render(name);
        var services = overlay.All<V1Service>().ToDictionary(s => s.Metadata.Name);
        var addresses = overlay.All<V1ConfigMap>().SelectMany(c => c.Data ?? new Dictionary<string, string>())
            .Select(setting => (setting.Key, Uri: Uri.TryCreate(setting.Value, UriKind.Absolute, out var uri) ? uri : null))
            .Where(s => s.Uri is { Scheme: "http" or "https" } && !s.Uri.Host.Contains('.', StringComparison.Ordinal) && s.Uri.Host != "+")
            .ToList();

        Assert.NotEmpty(addresses);
        foreach (var (key, uri) in addresses)
        {
            Assert.True(services.TryGetValue(uri!.Host, out var service), $"{key}: no Service {uri.Host}");
            Assert.Contains(service.Spec.Ports, p => p.Port == uri.Port);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NetworkPolicy_ports_between_pods_are_ports_those_pods_listen_on(string name)
    {
        var overlay = Overlay.Render(name);
        IEnumerable<int> PortsOf(IDictionary<string, string> labels) => overlay.PodTemplates
            .Where(t => Overlay.Selects(labels, t.Template.Metadata.Labels))
            .SelectMany(t => t.Template.Spec.Containers.SelectMany(c => c.Ports ?? []).Select(p => p.ContainerPort));

        foreach (var policy in overlay.All<V1NetworkPolicy>())
        {
            var own = policy.Spec.PodSelector.MatchLabels;
            foreach (var rule in policy.Spec.Ingress ?? [])
            {
                // Traffic in: the port is one the policy's own pods listen on.
                if (own is { Count: > 0 })
                {
                    Assert.All(rule.Ports ?? [], p => Assert.Contains(int.Parse(p.Port.Value), PortsOf(own)));
                }
            }
            foreach (var rule in policy.Spec.Egress ?? [])
            {
                // Traffic out to pods: the port is one the destination pods listen on.
                foreach (var to in (rule.To ?? []).Where(t => t.PodSelector?.MatchLabels is { Count: > 0 }))
                {
                    Assert.All(rule.Ports ?? [], p => Assert.Contains(int.Parse(p.Port.Value), PortsOf(to.PodSelector.MatchLabels)));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_is_non_root_read_only_without_capabilities_and_bounded(string name)
    {
        var overlay = Overlay.Render(name);
        foreach (var (workload, template) in overlay.PodTemplates)
        {
            Assert.True(template.Spec.SecurityContext?.RunAsNonRoot, $"{workload}: pod may run as root");
            Assert.Equal("RuntimeDefault", template.Spec.SecurityContext?.SeccompProfile?.Type);
            Assert.False(template.Spec.AutomountServiceAccountToken ?? true, $"{workload} mounts an API token");
            foreach (var c in template.Spec.Containers)
            {
                var security = c.SecurityContext;
                Assert.True(security?.ReadOnlyRootFilesystem, $"{workload}/{c.Name}: writable root");
                Assert.False(security?.AllowPrivilegeEscalation ?? true, $"{workload}/{c.Name}: privilege escalation");
                Assert.Equal(["ALL"], security?.Capabilities?.Drop);
                Assert.Equal("RuntimeDefault", security?.SeccompProfile?.Type);
                Assert.All(new[] { "cpu", "memory" }, r =>
                {
                    Assert.True(c.Resources?.Requests?.ContainsKey(r), $"{workload}/{c.Name}: no {r} request");
                    Assert.True(c.Resources?.Limits?.ContainsKey(r), $"{workload}/{c.Name}: no {r} limit");
                });
            }
        }
    }

    [Fact]
    public void Dev_runs_one_replica_of_each_on_PostgreSQL_statefulsets_each_reached_only_by_its_service()
    {
        var overlay = Overlay.Render("dev");
        Assert.All(Overlay.Services, s => Assert.Equal(1, overlay.Deployment(s).Spec.Replicas));
        foreach (var service in Overlay.Services)
        {
            var database = Assert.Single(overlay.All<V1StatefulSet>(), s => s.Metadata.Name == $"postgres-{service}");
            Assert.Single(database.Spec.VolumeClaimTemplates);
            Assert.Contains(overlay.All<V1Service>(), s => Overlay.Selects(s.Spec.Selector, database.Spec.Template.Metadata.Labels));
            var policy = Assert.Single(overlay.All<V1NetworkPolicy>(), p => Overlay.Selects(p.Spec.PodSelector.MatchLabels, database.Spec.Template.Metadata.Labels));
            var from = Assert.Single(Assert.Single(policy.Spec.Ingress).FromProperty);
            Assert.Equal(service, from.PodSelector.MatchLabels["app.kubernetes.io/name"]);
        }
    }

    [Fact]
    public void Prod_runs_two_or_more_replicas_spread_over_nodes_with_an_autoscaled_gateway_and_budgets()
    {
        var overlay = Overlay.Render("prod");
        Assert.Empty(overlay.All<V1StatefulSet>());
        foreach (var service in Overlay.Services)
        {
            var deployment = overlay.Deployment(service);
            Assert.True(deployment.Spec.Replicas >= 2, $"{service}: fewer than two replicas");
            var term = Assert.Single(deployment.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution).PodAffinityTerm;
            Assert.Equal("kubernetes.io/hostname", term.TopologyKey);
            Assert.True(Overlay.Selects(term.LabelSelector.MatchLabels, deployment.Spec.Template.Metadata.Labels));
            Assert.Contains(overlay.All<V1PodDisruptionBudget>(), p => Overlay.Selects(p.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels));
        }
        var hpa = Assert.Single(overlay.All<V2HorizontalPodAutoscaler>());
        Assert.Equal("gateway", hpa.Spec.ScaleTargetRef.Name);
        Assert.True(hpa.Spec.MinReplicas >= 2);
    }

    private static int PortOf(V1Container container, string name) => container.Ports.Single(p => p.Name == name).ContainerPort;

    /// <summary>Rows <c>| `secret` | `key` | …</c> of k8s/README.md: the Secrets an operator makes in the cluster.</summary>
    private static HashSet<(string Secret, string Key)> ExternalSecrets() =>
        SecretRow().Matches(File.ReadAllText(Path.Combine(Overlay.K8sDirectory, "README.md")))
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToHashSet();

    [GeneratedRegex(@"^\|\s*`([a-z0-9.-]+)`\s*\|\s*`([^`]+)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex SecretRow();
}
