using System.Globalization;
using System.Text;
using Federation.Core.Feed;
using Federation.Core.Text;
using Federation.Inventory.Domain;
using Federation.Inventory.Register;

namespace Federation.Inventory.Import;

/// <summary>
/// The municipality's register spreadsheet as CSV: one system per row, one column per field of
/// the record (see inventory/README.md). Columns a file leaves out keep their stored values, so
/// a sheet that only tracks GDPR fields never wipes access policies or integrations.
/// </summary>
public static class RegisterCsv
{
    /// <summary>Separates the values of a list cell (purposes, roles, release, …); line breaks do too.</summary>
    public const char ListSeparator = '|';

    private delegate SystemRecord Apply(SystemRecord record, string value);

    /// <summary>One column: how a cell sets the field, how the field is written back (export), and what a cell must look like.</summary>
    private sealed record Column(string Name, Apply Set, Func<SystemRecord, string?> Get, Func<string, PersonText?>? Check = null);

    /// <summary>The phases as a person writes them (the import reads them back); never an enum name.</summary>
    private static readonly Dictionary<LifecyclePhase, string> LifecycleWords = new()
    {
        [LifecyclePhase.Anskaffning] = "Anskaffning",
        [LifecyclePhase.Driftsattning] = "Driftsättning",
        [LifecyclePhase.Administration] = "Administration",
        [LifecyclePhase.AnvandningOchSupport] = "Användning och support",
        [LifecyclePhase.Avveckling] = "Avveckling",
        [LifecyclePhase.Avvecklad] = "Avvecklad",
    };

    private static readonly Column[] Columns =
    [
        new("id", (r, v) => r with { Id = v }, r => r.Id),
        new("name", (r, v) => r with { Name = v }, r => r.Name),
        new("description", (r, v) => r with { Description = Blank(v) }, r => r.Description),
        new("vendor", (r, v) => r with { Vendor = Blank(v) }, r => r.Vendor),
        new("category", (r, v) => r with { Category = v }, r => r.Category),
        new("owner", (r, v) => r with { Owner = v }, r => r.Owner),
        new("administrator", (r, v) => r with { Administrator = v }, r => r.Administrator),
        new("lifecycle", (r, v) => r with { Lifecycle = ParseLifecycle(v)!.Value }, r => LifecycleWords[r.Lifecycle],
            v => ParseLifecycle(v) is null ? new PersonText($"”{v}” är ingen livscykelfas; använd en av {string.Join(", ", LifecycleWords.Values)}.",
                $"'{v}' is not a lifecycle phase; use one of {string.Join(", ", Enum.GetNames<LifecyclePhase>())} (Swedish spelling with å, ä, ö and spaces is fine).") : null),
        new("controller", (r, v) => r with { Processing = r.Processing with { Controller = v } }, r => r.Processing.Controller),
        new("controller_contact", (r, v) => r with { Processing = r.Processing with { ControllerContact = v } }, r => r.Processing.ControllerContact),
        new("dpo", (r, v) => r with { Processing = r.Processing with { DataProtectionOfficer = Blank(v) } }, r => r.Processing.DataProtectionOfficer),
        new("purposes", (r, v) => r with { Processing = r.Processing with { Purposes = List(v) } }, r => Join(r.Processing.Purposes)),
        new("legal_basis", (r, v) => r with { Processing = r.Processing with { LegalBasis = List(v).Select(LegalBasisLetter).ToList() } }, r => Join(r.Processing.LegalBasis)),
        new("data_subjects", (r, v) => r with { Processing = r.Processing with { DataSubjectCategories = List(v) } }, r => Join(r.Processing.DataSubjectCategories)),
        new("personal_data", (r, v) => r with { Processing = r.Processing with { PersonalDataCategories = List(v) } }, r => Join(r.Processing.PersonalDataCategories)),
        new("special_categories", (r, v) => r with { Processing = r.Processing with { SpecialCategories = List(v) } }, r => Join(r.Processing.SpecialCategories)),
        new("recipients", (r, v) => r with { Processing = r.Processing with { Recipients = List(v) } }, r => Join(r.Processing.Recipients)),
        new("third_countries", (r, v) => r with { Processing = r.Processing with { ThirdCountryTransfers = List(v).Select(c => new ThirdCountryTransfer(c, null, null)).ToList() } },
            r => Join(r.Processing.ThirdCountryTransfers.Select(t => t.Country))),
        new("third_country_recipients", (r, v) => r with { Processing = r.Processing with { ThirdCountryTransfers = Transfers(v, r.Processing.ThirdCountryTransfers, (t, x) => t with { Recipient = Blank(x) }) } },
            r => Parallel(r.Processing.ThirdCountryTransfers.Select(t => t.Recipient))),
        new("third_country_safeguards", (r, v) => r with { Processing = r.Processing with { ThirdCountryTransfers = Transfers(v, r.Processing.ThirdCountryTransfers, (t, x) => t with { Safeguard = Blank(x) }) } },
            r => Parallel(r.Processing.ThirdCountryTransfers.Select(t => t.Safeguard))),
        new("retention", (r, v) => r with { Processing = r.Processing with { Retention = Blank(v) } }, r => r.Processing.Retention),
        new("retention_days", (r, v) => r with { Processing = r.Processing with { RetentionDays = v.Length == 0 ? null : int.Parse(v, CultureInfo.InvariantCulture) } },
            r => r.Processing.RetentionDays?.ToString(CultureInfo.InvariantCulture),
            v => v.Length == 0 || int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : new PersonText($"”{v}” är inget heltal (antal dagar).", $"'{v}' is not a whole number of days.")),
        new("security_measures", (r, v) => r with { Processing = r.Processing with { SecurityMeasures = List(v) } }, r => Join(r.Processing.SecurityMeasures)),
        new("processor", (r, v) => r with
        {
            Processing = r.Processing with { Processor = v.Length == 0 ? null : (r.Processing.Processor ?? new ProcessorAgreement(v, false, null)) with { Name = v } },
        }, r => r.Processing.Processor?.Name),
        new("processor_agreement_signed", (r, v) => r.Processing.Processor is null ? r
            : r with { Processing = r.Processing with { Processor = r.Processing.Processor with { AgreementSigned = ParseBool(v) ?? false } } },
            r => r.Processing.Processor is { } p ? YesNo(p.AgreementSigned) : null,
            v => v.Length == 0 || ParseBool(v) is not null ? null : NotYesOrNo(v)),
        new("processor_agreement_expires", (r, v) => r.Processing.Processor is null ? r
            : r with { Processing = r.Processing with { Processor = r.Processing.Processor with { AgreementExpires = v.Length == 0 ? null : DateOnly.ParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture) } } },
            r => r.Processing.Processor?.AgreementExpires?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            v => v.Length == 0 || DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : new PersonText($"”{v}” är inget datum (åååå-mm-dd).", $"'{v}' is not a date (yyyy-MM-dd).")),
        new("dpia_done", (r, v) => r with { Processing = r.Processing with { DpiaDone = ParseBool(v) ?? false } }, r => YesNo(r.Processing.DpiaDone),
            v => v.Length == 0 || ParseBool(v) is not null ? null : NotYesOrNo(v)),
        new("roles", (r, v) => r with { Access = r.Access with { Roles = List(v) } }, r => Join(r.Access.Roles)),
        new("groups", (r, v) => r with { Access = r.Access with { Groups = List(v) } }, r => Join(r.Access.Groups)),
        new("school_units", (r, v) => r with { Access = r.Access with { SchoolUnits = List(v) } }, r => Join(r.Access.SchoolUnits)),
        new("assurance_level", (r, v) => r with { Access = r.Access with { AssuranceLevel = v.ToLowerInvariant() } }, r => r.Access.AssuranceLevel),
        new("release", (r, v) => r with { Access = r.Access with { Release = List(v) } }, r => Join(r.Access.Release)),
    ];

    private static readonly string[] RequiredColumns = ["id", "name", "category", "owner", "administrator", "lifecycle", "controller", "controller_contact"];

    public static IReadOnlyList<string> ColumnNames => Columns.Select(c => c.Name).ToList();

    /// <summary>Turns a CSV file into import rows, or names what is wrong with it, row by row.</summary>
    public static (List<ImportRow> Rows, List<RowError> Errors) Parse(string text)
    {
        List<ImportRow> rows = [];
        List<RowError> errors = [];
        var records = ReadRecords(text.TrimStart('\uFEFF'));
        if (records.Count == 0)
        {
            errors.Add(RowError.Of(1, null, "$", new("Filen är tom; första raden ska namnge kolumnerna.", "The file is empty; the first row must name the columns.")));
            return (rows, errors);
        }

        var header = records[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        var columns = new List<Column?>();
        foreach (var name in header)
        {
            var column = Columns.FirstOrDefault(c => c.Name == name);
            if (column is null && name.Length > 0)
            {
                errors.Add(RowError.Of(1, null, name, new($"Okänd kolumn ”{name}”; kolumnerna är {string.Join(", ", Columns.Select(c => c.Name))}.",
                    $"Unknown column '{name}'; the columns are {string.Join(", ", Columns.Select(c => c.Name))}.")));
            }

            columns.Add(column);
        }

        foreach (var missing in RequiredColumns.Where(r => !header.Contains(r)))
        {
            errors.Add(RowError.Of(1, null, missing, new($"Kolumnen ”{missing}” krävs.", $"The column '{missing}' is required.")));
        }

        if (errors.Count > 0)
        {
            return (rows, errors);
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 1; i < records.Count; i++)
        {
            var rowNumber = i + 1;
            var cells = records[i];
            if (cells.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            if (cells.Count != header.Count)
            {
                errors.Add(RowError.Of(rowNumber, null, "$", new($"Raden har {cells.Count} celler men rubrikraden har {header.Count}.", $"The row has {cells.Count} cells but the header has {header.Count}.")));
                continue;
            }

            var id = cells[header.IndexOf("id")].Trim();
            if (seen.TryGetValue(id, out var earlier))
            {
                errors.Add(RowError.Of(rowNumber, id, "id", new($"Systemet ”{id}” finns också på rad {earlier}; varje system får förekomma en gång.", $"System '{id}' is also on row {earlier}; each system may appear once.")));
                continue;
            }

            seen[id] = rowNumber;
            var setters = new List<(Column Column, string Value)>();
            for (var c = 0; c < header.Count; c++)
            {
                if (columns[c] is not { } column)
                {
                    continue;
                }

                var value = CsvLine.Value(cells[c].Trim());
                if (column.Check?.Invoke(value) is { } problem)
                {
                    errors.Add(RowError.Of(rowNumber, id, column.Name, problem));
                }
                else
                {
                    setters.Add((column, value));
                }
            }

            // Columns apply in their defined order, whatever the file's order: countries before their safeguards.
            setters.Sort((a, b) => Array.IndexOf(Columns, a.Column).CompareTo(Array.IndexOf(Columns, b.Column)));
            rows.Add(new ImportRow(rowNumber, id, stored => setters.Aggregate(stored ?? NewSystem(id), (r, s) => s.Column.Set(r, s.Value))));
        }

        return (rows, errors);
    }

    /// <summary>
    /// The register as CSV in the columns <see cref="Parse"/> reads, so an export imported again
    /// changes nothing. <see cref="CsvLine"/> fields (a cell a spreadsheet would run as a formula is
    /// written as text), list cells joined by <see cref="ListSeparator"/>.
    /// Integrations are not in the CSV (the import keeps them).
    /// </summary>
    public static string Write(IEnumerable<SystemRecord> systems)
    {
        var text = new StringBuilder();
        CsvLine.Append(text, Columns.Select(c => c.Name));
        foreach (var system in systems)
        {
            CsvLine.Append(text, Columns.Select(c => c.Get(system)));
        }

        return text.ToString();
    }

    private static string Join(IEnumerable<string> values) => string.Join(ListSeparator, values);

    /// <summary>A list parallel to the countries: an empty value keeps its place.</summary>
    private static string Parallel(IEnumerable<string?> values) => string.Join(ListSeparator, values.Select(v => v ?? ""));

    private static string YesNo(bool value) => value ? "ja" : "nej";

    /// <summary>What a new system starts from before its cells are applied.</summary>
    private static SystemRecord NewSystem(string id) => new(
        id, "", null, null, "", "", "", LifecyclePhase.Anskaffning, null,
        new ProcessingRecord("", "", null, [], [], [], [], [], [], [], null, null, [], null, false),
        new AccessPolicy([], [], [], Federation.Core.Access.AssuranceLevel.Loa2.Name, []));

    /// <summary>RFC 4180 records: quoted fields may hold the delimiter, doubled quotes and line breaks.
    /// The delimiter is ';' when the header has more of them than commas (Excel with a Swedish list separator).</summary>
    public static List<List<string>> ReadRecords(string text)
    {
        var firstLine = text.Split('\n', 2)[0];
        var delimiter = firstLine.Count(ch => ch == ';') > firstLine.Count(ch => ch == ',') ? ';' : ',';
        List<List<string>> records = [];
        List<string> record = [];
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (ch == delimiter)
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (ch is '\r' or '\n')
            {
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(ch);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }

    private static PersonText NotYesOrNo(string v) => new($"”{v}” är inte ja eller nej.", $"'{v}' is not yes or no (ja/nej, yes/no, true/false).");

    private static string? Blank(string value) => value.Length == 0 ? null : value;

    private static List<string> List(string value) =>
        value.Split([ListSeparator, '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>Accepts "e", "6.1.e", "Art. 6.1 e" and "art 6(1)(e)" alike.</summary>
    private static string LegalBasisLetter(string value)
    {
        var letters = value.ToLowerInvariant().Where(char.IsAsciiLetterLower).ToArray();
        return letters.Length > 0 && "abcdef".Contains(letters[^1], StringComparison.Ordinal) && (letters.Length == 1 || value.Contains('6', StringComparison.Ordinal))
            ? letters[^1].ToString()
            : value;
    }

    /// <summary>
    /// Recipient and safeguard columns run parallel to <c>third_countries</c>: the n-th value
    /// belongs to the n-th country (an empty value between separators means none).
    /// </summary>
    private static List<ThirdCountryTransfer> Transfers(string value, IReadOnlyList<ThirdCountryTransfer> current,
        Func<ThirdCountryTransfer, string, ThirdCountryTransfer> set)
    {
        var parts = value.Split(ListSeparator, StringSplitOptions.TrimEntries);
        return current.Select((t, i) => i < parts.Length ? set(t, parts[i]) : t).ToList();
    }

    public static LifecyclePhase? ParseLifecycle(string value)
    {
        var folded = new string(value.ToLowerInvariant()
            .Replace('å', 'a').Replace('ä', 'a').Replace('ö', 'o')
            .Where(char.IsAsciiLetter).ToArray());
        return Enum.GetValues<LifecyclePhase>().Cast<LifecyclePhase?>()
            .FirstOrDefault(p => p.ToString()!.Equals(folded, StringComparison.OrdinalIgnoreCase));
    }

    private static bool? ParseBool(string value) => value.ToLowerInvariant() switch
    {
        "ja" or "j" or "yes" or "y" or "true" or "1" or "x" => true,
        "nej" or "n" or "no" or "false" or "0" => false,
        _ => null,
    };
}
