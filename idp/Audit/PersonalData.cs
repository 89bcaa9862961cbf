using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Federation.Core.Attributes;
using Federation.Core.Text;
using Federation.Idp.Identity;

namespace Federation.Idp.Audit;

/// <summary>One attribute the federation holds about the person, with its name for people.</summary>
public sealed record HeldAttribute(string Name, string Label, IReadOnlyList<string> Values);

/// <summary>One release to a system: when, which attributes (by their names for people).</summary>
public sealed record ReleaseLine(DateTimeOffset OccurredAt, IReadOnlyList<string> Attributes, IReadOnlyList<string> AttributeLabels, string Protocol,
    string? AssuranceLevel);

/// <summary>A system that received the person's attributes: why (purposes), on which legal basis, and each release, newest first.</summary>
/// <param name="InRegister">False when the system is no longer in the register (its purposes are then unknown).</param>
public sealed record SystemReleases(string SystemId, string Name, bool InRegister, IReadOnlyList<string> Purposes, IReadOnlyList<string> LegalBasis,
    DateTimeOffset Latest, IReadOnlyList<ReleaseLine> Releases);

/// <summary>
/// What the federation holds about one person and what it told which system (GDPR Art. 15): the
/// page "Mina uppgifter" shows it, and the same record is the download, as JSON or CSV, in the
/// person's language.
/// </summary>
public sealed record PersonalData(
    DateTimeOffset GeneratedAt,
    string Subject,
    string? UserName,
    IReadOnlyList<HeldAttribute> Attributes,
    IReadOnlyList<SystemReleases> Systems,
    int? RetentionDays)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Swedish letters as themselves: the file is for a person to read.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The person's own attributes and the register's releases, grouped by system, the most recent system first.</summary>
    public static PersonalData Of(FederationIdentity person, RegisterReleases releases, DateTimeOffset now, CultureInfo culture)
    {
        var attributes = AttributeCatalog.All
            .Select(a => new HeldAttribute(a.Name, AttributeCatalog.LabelOf(a.Name).In(culture), person.ValuesOf(a.Name)))
            .Where(a => a.Values.Count > 0)
            .ToList();
        var recipients = releases.Systems.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var systems = releases.Releases
            .GroupBy(r => r.SystemId ?? r.ClientId ?? "", StringComparer.Ordinal)
            .Select(group =>
            {
                var lines = group.OrderByDescending(r => r.OccurredAt)
                    .Select(r => new ReleaseLine(r.OccurredAt, r.Attributes, [.. r.Attributes.Select(n => AttributeCatalog.LabelOf(n).In(culture))],
                        r.Protocol, r.AssuranceLevel))
                    .ToList();
                return recipients.TryGetValue(group.Key, out var system)
                    ? new SystemReleases(system.Id, system.Name, true, system.Purposes,
                        [.. system.LegalBasis.Select(b => new PersonText(b.Sv, b.En).In(culture))], lines[0].OccurredAt, lines)
                    : new SystemReleases(group.Key, group.Key, false, [], [], lines[0].OccurredAt, lines);
            })
            .OrderByDescending(s => s.Latest)
            .ToList();
        return new PersonalData(now, person.Subject, person.UserName, attributes, systems, releases.RetentionDays);
    }

    /// <summary>The download's file name, e.g. <c>mina-uppgifter-2026-12-02.json</c>.</summary>
    public string FileName(string extension) => $"mina-uppgifter-{GeneratedAt.UtcDateTime:yyyy-MM-dd}.{extension}";

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>
    /// One row per held attribute, then one per release, under one header; UTF-8 with a byte order
    /// mark so that a spreadsheet opens Swedish letters right.
    /// </summary>
    public byte[] ToCsv(CultureInfo culture)
    {
        PersonText[] header =
        [
            new("Typ", "Kind"), new("Uppgift", "Attribute"), new("Värden", "Values"), new("System", "System"),
            new("Tidpunkt (UTC)", "Time (UTC)"), new("Ändamål", "Purposes"), new("Rättslig grund", "Legal basis"),
        ];
        var csv = new StringBuilder();
        CsvLine.Append(csv, header.Select(h => h.In(culture)));
        var held = new PersonText("Uppgift om dig", "Data about you").In(culture);
        foreach (var attribute in Attributes)
        {
            CsvLine.Append(csv, [held, attribute.Label, string.Join("; ", attribute.Values), "", "", "", ""]);
        }
        var released = new PersonText("Lämnades ut", "Released").In(culture);
        foreach (var system in Systems)
        {
            foreach (var release in system.Releases)
            {
                CsvLine.Append(csv,
                [
                    released, string.Join("; ", release.AttributeLabels), "", system.Name,
                    release.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    string.Join("; ", system.Purposes), string.Join("; ", system.LegalBasis),
                ]);
            }
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }
}
