using System.Globalization;
using System.Net;
using System.Text;
using Federation.Core.Feed;
using Federation.Core.Text;
using Federation.Inventory.Domain;

namespace Federation.Inventory.Reports;

/// <summary>
/// One line of the register of processing activities (GDPR Art. 30(1)), in Swedish words
/// (<see cref="RegisterText"/>); only <see cref="Lifecycle"/> stays a code in JSON, for programs.
/// </summary>
public sealed record Article30Entry(
    string SystemId,
    string SystemName,
    LifecyclePhase Lifecycle,
    string Controller,
    string ControllerContact,
    string? DataProtectionOfficer,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> LegalBasis,
    IReadOnlyList<string> DataSubjectCategories,
    IReadOnlyList<string> PersonalDataCategories,
    IReadOnlyList<string> SpecialCategories,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<ThirdCountryTransfer> ThirdCountryTransfers,
    string? Retention,
    IReadOnlyList<string> SecurityMeasures,
    string? Processor,
    bool? ProcessorAgreementSigned,
    DateOnly? ProcessorAgreementExpires,
    bool DpiaDone);

/// <summary>The Art. 30 register in JSON, CSV (RFC 4180, UTF-8 with BOM) and a printable HTML page.</summary>
public static class Article30Report
{
    public static IReadOnlyList<Article30Entry> Entries(IEnumerable<SystemRecord> systems) =>
        systems.Where(s => s.Lifecycle != LifecyclePhase.Avvecklad).Select(s =>
        {
            var p = s.Processing;
            return new Article30Entry(s.Id, s.Name, s.Lifecycle, p.Controller, p.ControllerContact, p.DataProtectionOfficer,
                p.Purposes, p.LegalBasis.Select(l => RegisterText.LegalBasis(l).Sv).ToList(),
                p.DataSubjectCategories.Select(c => RegisterText.DataSubject(c).Sv).ToList(),
                p.PersonalDataCategories.Select(c => RegisterText.PersonalDataCategory(c).Sv).ToList(),
                p.SpecialCategories.Select(c => RegisterText.SpecialCategoryLabel(c).Sv).ToList(),
                p.Recipients, p.ThirdCountryTransfers, p.Retention, p.SecurityMeasures,
                p.Processor?.Name, p.Processor?.AgreementSigned, p.Processor?.AgreementExpires, p.DpiaDone);
        }).ToList();

    private static readonly string[] Header =
    [
        "System-id", "System", "Livscykelfas", "Personuppgiftsansvarig", "Kontaktuppgifter", "Dataskyddsombud",
        "Ändamål", "Rättslig grund", "Kategorier av registrerade", "Kategorier av personuppgifter",
        "Känsliga personuppgifter (art. 9)", "Mottagare", "Överföring till tredjeland", "Gallring",
        "Säkerhetsåtgärder", "Personuppgiftsbiträde", "Biträdesavtal", "Avtalet gäller till", "Konsekvensbedömning (DPIA)",
    ];

    /// <summary>RFC 4180 CSV with CRLF line ends, UTF-8 with a byte order mark so Excel reads å, ä and ö.</summary>
    public static byte[] ToCsv(IReadOnlyList<Article30Entry> entries, char delimiter = ',')
    {
        var csv = new StringBuilder();
        AppendRow(csv, Header, delimiter);
        foreach (var e in entries)
        {
            AppendRow(csv,
            [
                e.SystemId, e.SystemName, PhaseLabel(e), e.Controller, e.ControllerContact, e.DataProtectionOfficer,
                Join(e.Purposes), Join(e.LegalBasis), Join(e.DataSubjectCategories), Join(e.PersonalDataCategories),
                Join(e.SpecialCategories), Join(e.Recipients), Join(e.ThirdCountryTransfers.Select(Describe)), e.Retention,
                Join(e.SecurityMeasures), e.Processor, e.ProcessorAgreementSigned switch { true => "Ja", false => "Nej", null => "" },
                e.ProcessorAgreementExpires?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.DpiaDone ? "Ja" : "Nej",
            ], delimiter);
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    public static void AppendRow(StringBuilder csv, IReadOnlyList<string?> fields, char delimiter)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                csv.Append(delimiter);
            }

            csv.Append(CsvLine.Field(fields[i] ?? "", delimiter));
        }

        csv.Append("\r\n");
    }

    public static string ToHtml(IReadOnlyList<Article30Entry> entries, DateTimeOffset generatedAt)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="sv"><head><meta charset="utf-8">
            <title>Registerförteckning enligt artikel 30 dataskyddsförordningen</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#111}
            h1{font-size:1.5em} h2{font-size:1.15em;margin:0 0 .4em}
            section{border:1px solid #999;padding:1em;margin:0 0 1.2em;break-inside:avoid}
            dl{display:grid;grid-template-columns:16em 1fr;gap:.25em 1em;margin:0}
            dt{font-weight:600} dd{margin:0}
            @media print{body{margin:0;font-size:10pt} section{page-break-inside:avoid}}
            </style></head><body>
            <h1>Registerförteckning enligt artikel 30 dataskyddsförordningen</h1>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<p>Utskriven {E(generatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))} UTC · {entries.Count} behandlingar</p>\n");
        foreach (var e in entries)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"{E(e.SystemId)}\"><h2>{E(e.SystemName)}</h2><dl>\n");
            Row(html, "Livscykelfas", PhaseLabel(e));
            Row(html, "Personuppgiftsansvarig", $"{e.Controller} ({e.ControllerContact})");
            Row(html, "Dataskyddsombud", e.DataProtectionOfficer);
            Row(html, "Ändamål", Join(e.Purposes));
            Row(html, "Rättslig grund", Join(e.LegalBasis));
            Row(html, "Kategorier av registrerade", Join(e.DataSubjectCategories));
            Row(html, "Kategorier av personuppgifter", Join(e.PersonalDataCategories));
            Row(html, "Känsliga personuppgifter", Join(e.SpecialCategories));
            Row(html, "Mottagare", Join(e.Recipients));
            Row(html, "Överföring till tredjeland", Join(e.ThirdCountryTransfers.Select(Describe)));
            Row(html, "Gallring", e.Retention);
            Row(html, "Säkerhetsåtgärder", Join(e.SecurityMeasures));
            Row(html, "Personuppgiftsbiträde", e.Processor is null ? null
                : $"{e.Processor}, biträdesavtal: {(e.ProcessorAgreementSigned == true ? "ja" : "saknas")}{(e.ProcessorAgreementExpires is { } d ? $" (gäller till {d:yyyy-MM-dd})" : "")}");
            Row(html, "Konsekvensbedömning", e.DpiaDone ? "Gjord" : "Ej gjord");
            html.Append("</dl></section>\n");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void Row(StringBuilder html, string label, string? value) =>
        html.Append(CultureInfo.InvariantCulture, $"<dt>{E(label)}</dt><dd>{E(string.IsNullOrEmpty(value) ? "–" : value)}</dd>\n");

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static string Join(IEnumerable<string> values) => string.Join("; ", values);

    private static string Describe(ThirdCountryTransfer t) =>
        $"{t.Country}{(t.Recipient is { Length: > 0 } r ? $" ({r})" : "")}: {(string.IsNullOrWhiteSpace(t.Safeguard) ? "skyddsåtgärd saknas" : t.Safeguard)}";

    /// <summary>The phase as a person reads it (never the enum name); the JSON keeps the code for programs.</summary>
    private static string PhaseLabel(Article30Entry e) => RegisterText.Lifecycle(e.Lifecycle).Sv;
}
