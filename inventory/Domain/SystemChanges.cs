using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Core.Feed;
using Federation.Core.Text;
using Federation.Inventory.Infrastructure;

namespace Federation.Inventory.Domain;

/// <summary>One field that differs between two versions of a system, in words a person reads.</summary>
/// <param name="Path">The field's path as the API names it (<c>processing.purposes</c>).</param>
/// <param name="Before">Empty when the field had no value.</param>
/// <param name="After">Empty when the field has no value now.</param>
public sealed record FieldChange(string Path, PersonText Label, PersonText Before, PersonText After);

/// <summary>
/// What changed between two versions of a system, field by field, with the register's labels and
/// readable values (phases, legal bases and categories in words; lists as one value). Used by the
/// audit history and by the edit conflict ("someone else changed this system; here is what").
/// Secrets are compared masked, as the audit log stores them.
/// </summary>
public static class SystemChanges
{
    private static readonly PersonText Nothing = new("", "");

    public static IReadOnlyList<FieldChange> Between(SystemRecord? before, SystemRecord? after) =>
        Between(ToNode(before), ToNode(after));

    /// <summary>Between two stored documents, e.g. an audit entry's before and after (either may be null).</summary>
    public static IReadOnlyList<FieldChange> Between(string? beforeJson, string? afterJson) =>
        Between(Parse(beforeJson), Parse(afterJson));

    private static List<FieldChange> Between(JsonNode? before, JsonNode? after)
    {
        var b = Flatten(before);
        var a = Flatten(after);
        var changes = new List<FieldChange>();
        foreach (var path in a.Keys.Concat(b.Keys.Where(k => !a.ContainsKey(k))))
        {
            var was = b.GetValueOrDefault(path, Nothing);
            var now = a.GetValueOrDefault(path, Nothing);
            if (was.Sv != now.Sv || was.En != now.En)
            {
                changes.Add(new FieldChange(path, RegisterText.Field(path), was, now));
            }
        }
        return changes;
    }

    private static JsonNode? ToNode(SystemRecord? record) =>
        record is null ? null : JsonSerializer.SerializeToNode(record.Masked(), SystemRows.Json);

    private static JsonNode? Parse(string? json) => string.IsNullOrEmpty(json) ? null : JsonNode.Parse(json);

    /// <summary>Each leaf field (a list counts as one) with its readable value; empty values are left out.</summary>
    private static Dictionary<string, PersonText> Flatten(JsonNode? node)
    {
        var fields = new Dictionary<string, PersonText>(StringComparer.Ordinal);
        Walk(node, "", fields);
        return fields;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, PersonText> fields)
    {
        switch (node)
        {
            case null:
                return;
            case JsonObject o:
                foreach (var (name, child) in o)
                {
                    // Stored secrets are hashes; the masked record says only whether one is set.
                    if (name is "clientSecretHash")
                    {
                        continue;
                    }
                    Walk(child, path.Length == 0 ? name : path + "." + name, fields);
                }
                return;
            default:
                var value = Readable(path, node);
                if (value.Sv.Length > 0)
                {
                    fields[path] = value;
                }
                return;
        }
    }

    private static PersonText Readable(string path, JsonNode node)
    {
        switch (node)
        {
            case JsonArray array:
                var items = array.Where(i => i is not null).Select(i => Readable(path, i!)).Where(i => i.Sv.Length > 0).ToList();
                return new PersonText(string.Join("; ", items.Select(i => i.Sv)), string.Join("; ", items.Select(i => i.En)));
            case JsonObject item:
                // A list of records (third-country transfers): its values in order, e.g. "USA – Google LLC – SCC".
                var parts = item.Select(p => p.Value is null ? Nothing : Readable(path + "." + p.Key, p.Value)).Where(p => p.Sv.Length > 0).ToList();
                return new PersonText(string.Join(" – ", parts.Select(p => p.Sv)), string.Join(" – ", parts.Select(p => p.En)));
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return RegisterText.YesNo(v.GetValue<bool>());
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return Word(path, v.GetValue<string>());
            default:
                var text = node.ToJsonString();
                return new PersonText(text, text);
        }
    }

    private static PersonText Word(string path, string value) => path switch
    {
        "lifecycle" when Enum.TryParse<LifecyclePhase>(value, out var phase) => RegisterText.Lifecycle(phase),
        "processing.legalBasis" => RegisterText.LegalBasis(value),
        "processing.personalDataCategories" => RegisterText.PersonalDataCategory(value),
        "processing.specialCategories" => RegisterText.SpecialCategoryLabel(value),
        "access.assuranceLevel" => RegisterText.AssuranceLevel(value),
        "integration.backend.identityForwarding" when Enum.TryParse<IdentityForwarding>(value, out var forwarding) => RegisterText.IdentityForwardingLabel(forwarding),
        _ => new PersonText(value, value),
    };
}
