using System.Text.Json;
using Federation.Core.Feed;
using Federation.Inventory.Domain;

namespace Federation.Inventory.Infrastructure;

/// <summary>Maps a <see cref="SystemRecord"/> to its stored row and back.</summary>
public static class SystemRows
{
    /// <summary>Register JSON: web casing, enums as names, nulls left out (same as the feed).</summary>
    public static JsonSerializerOptions Json => FederationFeed.JsonOptions;

    public static SystemRecord ToRecord(this SystemRow row) =>
        JsonSerializer.Deserialize<SystemRecord>(row.Document, Json)
        ?? throw new InvalidOperationException($"System '{row.Id}' has an empty document.");

    public static void Fill(this SystemRow row, SystemRecord record, long version, DateTimeOffset now)
    {
        row.Name = record.Name;
        row.Category = record.Category;
        row.Lifecycle = record.Lifecycle.ToString();
        row.SearchText = string.Join('\n', new[] { record.Id, record.Name, record.Vendor, record.Description, record.Owner, record.Administrator, record.Category }
            .Where(s => !string.IsNullOrEmpty(s))).ToLowerInvariant();
        row.DataSubjects = "|" + string.Join('|', record.Processing.DataSubjectCategories.Select(c => c.ToLowerInvariant())) + "|";
        row.HasThirdCountryTransfer = record.Processing.ThirdCountryTransfers.Count > 0;
        row.ClientId = record.Integration?.OidcClient?.ClientId;
        row.SamlEntityId = record.Integration?.SamlSp?.EntityId;
        row.PublicPath = record.Integration?.Backend?.PublicPath;
        row.Document = JsonSerializer.Serialize(record, Json);
        row.Version = version;
        row.UpdatedAt = now;
    }

    public static SystemRow NewRow(SystemRecord record, long version, DateTimeOffset now)
    {
        var row = new SystemRow
        {
            Id = record.Id,
            Name = "",
            Category = "",
            Lifecycle = "",
            SearchText = "",
            DataSubjects = "",
            Document = "",
        };
        row.Fill(record, version, now);
        return row;
    }

    /// <summary>Strong ETag of a stored system.</summary>
    public static string ETag(long version) => $"\"{version}\"";
}
