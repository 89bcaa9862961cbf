using k8s;
using k8s.Models;

namespace Federation.Operations.Tests.K8s;

/// <summary>
/// Every object of both overlays is loaded into the Kubernetes API's typed models in strict mode
/// (KubernetesClient): a wrong type, an unknown or misspelt field, or an unknown kind is refused.
/// </summary>
public class ManifestValidationTests
{
    public static TheoryData<string> Overlays => [.. Overlay.Names];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_rendered_object_loads_strictly_into_the_Kubernetes_models(string name)
    {
        var overlay = Overlay.Render(name);

        Assert.All(overlay.Objects, o =>
        {
            var typed = Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(o);
            Assert.False(string.IsNullOrEmpty(typed.Metadata?.Name), $"{typed.Kind} without a name");
            Assert.True(typed is V1Namespace || typed.Metadata.NamespaceProperty == "federation", $"{typed.Kind} {typed.Metadata.Name} outside the namespace");
        });
        Assert.Equal(Overlay.Services.Append("otel-collector").Order(), overlay.Deployments.Select(d => d.Metadata.Name).Order());
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused()
    {
        var deployment = DeploymentYaml();
        Assert.Single(Overlay.Load(deployment));

        var broken = deployment.Replace("replicas: 1", "replicas: two", StringComparison.Ordinal);

        Assert.NotEqual(deployment, broken);
        Assert.ThrowsAny<Exception>(() => Overlay.Load(broken));
    }

    [Fact]
    public void An_unknown_or_misspelt_field_is_refused()
    {
        var deployment = DeploymentYaml();
        var unknown = deployment.Replace("  replicas: 1", "  replicas: 1\n  replica: 2", StringComparison.Ordinal);
        var misspelt = deployment.Replace("readinessProbe:", "readinesProbe:", StringComparison.Ordinal);

        Assert.Single(Overlay.Load(deployment));
        Assert.ThrowsAny<Exception>(() => Overlay.Load(unknown));
        Assert.ThrowsAny<Exception>(() => Overlay.Load(misspelt));
    }

    [Fact]
    public void A_kind_the_models_do_not_know_is_refused()
    {
        var deployment = DeploymentYaml();
        Assert.ThrowsAny<Exception>(() => Overlay.Load(deployment.Replace("kind: Deployment", "kind: Deploymint", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_renderer_refuses_a_kustomize_feature_it_does_not_implement()
    {
        var directory = Directory.CreateTempSubdirectory("kustomize-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "kustomization.yaml"), "resources: []\ncommonLabels:\n  team: a\n");
            Assert.Throws<NotSupportedException>(() => Kustomization.Render(directory.FullName));

            File.WriteAllText(Path.Combine(directory.FullName, "kustomization.yaml"), "secretGenerator:\n  - name: s\n    literals: [a=b]\n");
            Assert.Throws<NotSupportedException>(() => Kustomization.Render(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Generators_make_ConfigMaps_from_files_with_labels_and_Secrets_from_literals()
    {
        var directory = Directory.CreateTempSubdirectory("kustomize-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "board.json"), "{\"title\": \"x\"}\n");
            File.WriteAllText(Path.Combine(directory.FullName, "kustomization.yaml"), """
                namespace: n
                generatorOptions:
                  disableNameSuffixHash: true
                configMapGenerator:
                  - name: board
                    files: [board.json, renamed.json=board.json]
                    options:
                      labels:
                        grafana_dashboard: "1"
                secretGenerator:
                  - name: s
                    literals: [token=a=b, port=5432]
                """);

            var objects = Overlay.Load(Kustomization.ToYaml(Kustomization.Render(directory.FullName)));

            var map = Assert.Single(objects.OfType<V1ConfigMap>());
            Assert.Equal("{\"title\": \"x\"}\n", map.Data["board.json"]);
            Assert.Equal(map.Data["board.json"], map.Data["renamed.json"]);
            Assert.Equal("1", map.Metadata.Labels["grafana_dashboard"]);
            Assert.Equal("n", map.Metadata.NamespaceProperty);
            var secret = Assert.Single(objects.OfType<V1Secret>());
            Assert.Equal("a=b"u8.ToArray(), secret.Data["token"]);
            Assert.Equal("5432"u8.ToArray(), secret.Data["port"]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_patch_without_a_target_is_refused()
    {
        var directory = Directory.CreateTempSubdirectory("kustomize-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "kustomization.yaml"), "resources: []\npatches:\n  - path: p.yaml\n");
            File.WriteAllText(Path.Combine(directory.FullName, "p.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nobody\n");
            Assert.Throws<InvalidOperationException>(() => Kustomization.Render(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The gateway's Deployment as rendered by the dev overlay (one replica).</summary>
    private static string DeploymentYaml()
    {
        var objects = Kustomization.Render(Path.Combine(Overlay.K8sDirectory, "overlays", "dev"));
        return Kustomization.ToYaml(objects.Where(o => Kustomization.Text(o, "kind") == "Deployment" && Kustomization.NameOf(o) == "gateway"));
    }
}
