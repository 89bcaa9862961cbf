using k8s;
using k8s.Models;

namespace Federation.Operations.Tests.K8s;

/// <summary>One overlay of k8s/ rendered and loaded, strictly, into the Kubernetes API's typed models.</summary>
public sealed class Overlay
{
    public static readonly string[] Names = ["dev", "prod"];

    /// <summary>The three services: each has a Deployment, a Service, a ConfigMap and an image of this name.</summary>
    public static readonly string[] Services = ["inventory", "idp", "gateway"];

    private Overlay(string name, IReadOnlyList<object> objects)
    {
        Name = name;
        Objects = objects;
    }

    public string Name { get; }

    public IReadOnlyList<object> Objects { get; }

    public static string K8sDirectory => Path.Combine(ServiceProcess.RepositoryRoot(), "k8s");

    public static Overlay Render(string name) =>
        new(name, Load(Kustomization.ToYaml(Kustomization.Render(Path.Combine(K8sDirectory, "overlays", name)))));

    /// <summary>
    /// Typed loading as the API server would parse: an unknown field or a value of the wrong type
    /// throws (strict mode), and so does a kind the models do not know.
    /// </summary>
    public static IReadOnlyList<object> Load(string yaml) => KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true);

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public IEnumerable<V1Deployment> Deployments => All<V1Deployment>();

    public V1Deployment Deployment(string name) => Deployments.Single(d => d.Metadata.Name == name);

    /// <summary>The pod templates of every workload (Deployments and StatefulSets).</summary>
    public IEnumerable<(string Workload, V1PodTemplateSpec Template)> PodTemplates =>
        Deployments.Select(d => (d.Metadata.Name, d.Spec.Template))
            .Concat(All<V1StatefulSet>().Select(s => (s.Metadata.Name, s.Spec.Template)));

    public IEnumerable<(string Workload, V1Container Container)> Containers =>
        PodTemplates.SelectMany(t => (t.Template.Spec.InitContainers ?? []).Concat(t.Template.Spec.Containers).Select(c => (t.Workload, c)));

    public static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);
}
