using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Federation.Operations.Tests.K8s;

/// <summary>
/// Renders a kustomization as <c>kubectl kustomize</c> does, for the subset k8s/ uses (k8s/README.md):
/// resources (files and folders), strategic-merge patches found by kind and name, replicas, images,
/// secret and ConfigMap generators with literals or files and labels/annotations (fixed names), and
/// the namespace. Anything else in a
/// kustomization.yaml is refused, so an overlay never uses a feature this renderer would skip.
/// </summary>
public static class Kustomization
{
    private static readonly HashSet<string> Supported =
    [
        "apiVersion", "kind", "namespace", "resources", "patches", "replicas", "images",
        "secretGenerator", "configMapGenerator", "generatorOptions",
    ];

    /// <summary>Lists merged item by item (by this key) instead of replaced, as in the Kubernetes API's strategic merge.</summary>
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["volumes"] = "name",
        ["env"] = "name",
        ["imagePullSecrets"] = "name",
        ["volumeMounts"] = "mountPath",
    };

    private static readonly HashSet<string> ClusterScoped = ["Namespace"];

    /// <summary>The rendered objects of the kustomization in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<YamlMappingNode> Render(string directory)
    {
        var file = Path.Combine(directory, "kustomization.yaml");
        var kustomization = LoadDocuments(File.ReadAllText(file)).Single();
        var unsupported = kustomization.Children.Keys.Select(k => Text(k)!).Where(k => !Supported.Contains(k)).ToList();
        if (unsupported.Count > 0)
        {
            throw new NotSupportedException($"{file}: the renderer does not implement {string.Join(", ", unsupported)}.");
        }

        var objects = new List<YamlMappingNode>();
        foreach (var resource in Sequence(kustomization, "resources").Select(r => Text(r)!))
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            objects.AddRange(Directory.Exists(path) ? Render(path) : LoadDocuments(File.ReadAllText(path)));
        }
        var options = Mapping(kustomization, "generatorOptions");
        if (options?.Children.Keys.Select(k => Text(k)!).Except(["disableNameSuffixHash"]).ToList() is { Count: > 0 } unknownOptions)
        {
            throw new NotSupportedException($"{file}: the renderer does not implement generatorOptions {string.Join(", ", unknownOptions)}.");
        }
        var hashSuffix = Text(options, "disableNameSuffixHash") != "true";
        objects.AddRange(Generate(directory, kustomization, "secretGenerator", "Secret", hashSuffix));
        objects.AddRange(Generate(directory, kustomization, "configMapGenerator", "ConfigMap", hashSuffix));

        foreach (var patchFile in Sequence(kustomization, "patches").Cast<YamlMappingNode>().Select(p => Text(p, "path")!))
        {
            foreach (var patch in LoadDocuments(File.ReadAllText(Path.Combine(directory, patchFile))))
            {
                var target = objects.SingleOrDefault(o => Text(o, "kind") == Text(patch, "kind") && NameOf(o) == NameOf(patch))
                             ?? throw new InvalidOperationException($"{patchFile}: no {Text(patch, "kind")} named {NameOf(patch)} to patch.");
                Merge(target, patch);
            }
        }

        foreach (var replicas in Sequence(kustomization, "replicas").Cast<YamlMappingNode>())
        {
            var target = objects.SingleOrDefault(o => Text(o, "kind") is "Deployment" or "StatefulSet" && NameOf(o) == Text(replicas, "name"))
                         ?? throw new InvalidOperationException($"replicas: no Deployment or StatefulSet named {Text(replicas, "name")}.");
            Mapping(target, "spec")!.Children[new YamlScalarNode("replicas")] = new YamlScalarNode(Text(replicas, "count"));
        }

        foreach (var image in Sequence(kustomization, "images").Cast<YamlMappingNode>())
        {
            SetImage(objects, Text(image, "name")!, Text(image, "newName"), Text(image, "newTag"));
        }

        if (Text(kustomization, "namespace") is { } ns)
        {
            foreach (var o in objects.Where(o => !ClusterScoped.Contains(Text(o, "kind")!)))
            {
                Mapping(o, "metadata")!.Children[new YamlScalarNode("namespace")] = new YamlScalarNode(ns);
            }
        }
        return objects;
    }

    /// <summary>The objects as one multi-document YAML text.</summary>
    public static string ToYaml(IEnumerable<YamlMappingNode> objects)
    {
        var stream = new YamlStream(objects.Select(o => new YamlDocument(o)));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    public static IReadOnlyList<YamlMappingNode> LoadDocuments(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    private static IEnumerable<YamlMappingNode> Generate(string directory, YamlMappingNode kustomization, string field, string kind, bool hashSuffix)
    {
        foreach (var generator in Sequence(kustomization, field).Cast<YamlMappingNode>())
        {
            if (hashSuffix)
            {
                throw new NotSupportedException($"{field}: name suffix hashes are not implemented; set generatorOptions.disableNameSuffixHash.");
            }
            var unknown = generator.Children.Keys.Select(k => Text(k)!).Except(["name", "literals", "files", "options"])
                .Concat(Mapping(generator, "options")?.Children.Keys.Select(k => Text(k)!).Except(["labels", "annotations"]) ?? [])
                .ToList();
            if (unknown.Count > 0)
            {
                throw new NotSupportedException($"{field} {Text(generator, "name")}: the renderer does not implement {string.Join(", ", unknown)}.");
            }
            // literals: key=value; files: path (the key is the file name) or key=path.
            var entries = Sequence(generator, "literals").Select(l => Text(l)!).Select(l => (Key: l[..l.IndexOf('=', StringComparison.Ordinal)], Value: l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]))
                .Concat(Sequence(generator, "files").Select(f => Text(f)!).Select(f => f.Contains('=', StringComparison.Ordinal)
                    ? (Key: f[..f.IndexOf('=', StringComparison.Ordinal)], Value: File.ReadAllText(Path.Combine(directory, f[(f.IndexOf('=', StringComparison.Ordinal) + 1)..])))
                    : (Key: Path.GetFileName(f), Value: File.ReadAllText(Path.Combine(directory, f)))));
            var data = new YamlMappingNode();
            foreach (var (key, value) in entries)
            {
                data.Add(new YamlScalarNode(key), Quoted(kind == "Secret" ? Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) : value));
            }
            var metadata = new YamlMappingNode { { "name", Text(generator, "name")! } };
            foreach (var part in new[] { "labels", "annotations" })
            {
                if (Mapping(Mapping(generator, "options"), part) is { } map)
                {
                    metadata.Add(part, Copy(map));
                }
            }
            var generated = new YamlMappingNode
            {
                { "apiVersion", "v1" },
                { "kind", kind },
                { "metadata", metadata },
                { "data", data },
            };
            if (kind == "Secret")
            {
                generated.Add("type", "Opaque");
            }
            yield return generated;
        }
    }

    private static void SetImage(IEnumerable<YamlMappingNode> objects, string name, string? newName, string? newTag)
    {
        var containers = objects
            .Select(o => Mapping(Mapping(Mapping(o, "spec"), "template"), "spec"))
            .Where(spec => spec is not null)
            .SelectMany(spec => Sequence(spec!, "containers").Concat(Sequence(spec!, "initContainers")))
            .Cast<YamlMappingNode>();
        foreach (var container in containers)
        {
            var image = Text(container, "image")!;
            var colon = image.LastIndexOf(':');
            var (repository, tag) = colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, null);
            if (repository == name)
            {
                var finalTag = newTag ?? tag;
                container.Children[new YamlScalarNode("image")] = new YamlScalarNode((newName ?? repository) + (finalTag is null ? "" : ":" + finalTag));
            }
        }
    }

    /// <summary>Strategic merge: maps merge, keyed lists merge by item, other lists and scalars are replaced, null removes.</summary>
    private static void Merge(YamlMappingNode target, YamlMappingNode patch)
    {
        foreach (var (key, value) in patch.Children)
        {
            var name = Text(key)!;
            if (value is YamlScalarNode { Value: "null" or "~", Style: ScalarStyle.Plain })
            {
                target.Children.Remove(key);
            }
            else if (!target.Children.TryGetValue(key, out var existing))
            {
                target.Children[key] = Copy(value);
            }
            else if (existing is YamlMappingNode map && value is YamlMappingNode patchMap)
            {
                Merge(map, patchMap);
            }
            else if (existing is YamlSequenceNode list && value is YamlSequenceNode patchList && MergeKeyOf(name, patchList) is { } mergeKey)
            {
                foreach (var item in patchList.Children.Cast<YamlMappingNode>())
                {
                    var match = list.Children.OfType<YamlMappingNode>().FirstOrDefault(i => Text(i, mergeKey) == Text(item, mergeKey));
                    if (match is null)
                    {
                        list.Add(Copy(item));
                    }
                    else
                    {
                        Merge(match, item);
                    }
                }
            }
            else
            {
                target.Children[key] = Copy(value);
            }
        }
    }

    private static string? MergeKeyOf(string field, YamlSequenceNode items) =>
        field == "ports"
            ? items.Children.OfType<YamlMappingNode>().Any(i => Text(i, "containerPort") is not null) ? "containerPort" : "port"
            : MergeKeys.GetValueOrDefault(field);

    private static YamlNode Copy(YamlNode node) => node switch
    {
        YamlMappingNode map => new YamlMappingNode(map.Children.Select(c => new KeyValuePair<YamlNode, YamlNode>(Copy(c.Key), Copy(c.Value)))) { Style = map.Style },
        YamlSequenceNode list => new YamlSequenceNode(list.Children.Select(Copy)) { Style = list.Style },
        YamlScalarNode scalar => new YamlScalarNode(scalar.Value) { Style = scalar.Style, Tag = scalar.Tag },
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    public static string? NameOf(YamlMappingNode o) => Text(Mapping(o, "metadata"), "name");

    public static string? Text(YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static string? Text(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? Text(value) : null;

    public static YamlMappingNode? Mapping(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode list ? list.Children : [];
}
