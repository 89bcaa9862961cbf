using System.Globalization;
using Federation.Core.Feed;
using Federation.Inventory.Domain;

namespace Federation.Inventory.Pages.Register.Systems;

/// <summary>The columns the systems list sorts by.</summary>
public enum SystemSort
{
    Name,
    Phase,
    Category,
    Findings,
}

/// <summary>One row of the systems list: the system and its open findings today.</summary>
public sealed record SystemListRow(SystemRecord System, IReadOnlyList<Finding> Findings);

/// <summary>
/// The search, filters and sort order of the systems list, read from the query string so that a
/// filtered view is a link one can share. Values the page does not know are ignored (and reported
/// in <see cref="Ignored"/>) rather than failing: a person edited the address, nothing is broken.
/// </summary>
/// <param name="Findings">Null: all systems; <see cref="AnyFinding"/>, <see cref="NoFinding"/> or one rule code.</param>
public sealed partial record SystemListQuery(
    string? Q = null,
    LifecyclePhase? Phase = null,
    string? Category = null,
    string? DataSubject = null,
    bool? Transfer = null,
    string? Findings = null,
    SystemSort Sort = SystemSort.Name,
    bool Descending = false)
{
    public const string AnyFinding = "any";
    public const string NoFinding = "none";

    /// <summary>Query parameters that held a value the list does not know (by parameter name).</summary>
    public IReadOnlyList<string> Ignored { get; init; } = [];

    /// <summary>Names sort the Swedish way (å, ä, ö after z), ignoring case.</summary>
    private static readonly StringComparer SwedishOrder = StringComparer.Create(CultureInfo.GetCultureInfo("sv-SE"), ignoreCase: true);

    /// <summary>Reads the query string's parameters: <c>q, phase, category, subject, transfer, findings, sort, dir</c>.</summary>
    public static SystemListQuery Parse(string? q, string? phase, string? category, string? subject, string? transfer,
        string? findings, string? sort, string? dir)
    {
        var ignored = new List<string>();
        LifecyclePhase? parsedPhase = null;
        if (!string.IsNullOrWhiteSpace(phase))
        {
            var value = phase.Trim();
            var match = Enum.GetValues<LifecyclePhase>().Where(p =>
                PhaseSlug(p).Equals(value, StringComparison.OrdinalIgnoreCase) || p.ToString().Equals(value, StringComparison.OrdinalIgnoreCase)).ToList();
            if (match.Count == 1)
            {
                parsedPhase = match[0];
            }
            else
            {
                ignored.Add("phase");
            }
        }

        bool? parsedTransfer = transfer?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "yes" or "ja" or "true" => true,
            "no" or "nej" or "false" => false,
            _ => Ignore(ignored, "transfer"),
        };

        string? parsedFindings = findings?.Trim() switch
        {
            null or "" => null,
            var f when f.Equals(AnyFinding, StringComparison.OrdinalIgnoreCase) => AnyFinding,
            var f when f.Equals(NoFinding, StringComparison.OrdinalIgnoreCase) => NoFinding,
            var f when ComplianceFindings.RuleCodes.FirstOrDefault(r => r.Equals(f, StringComparison.OrdinalIgnoreCase) || RuleSlug(r).Equals(f, StringComparison.OrdinalIgnoreCase)) is { } rule => rule,
            _ => Ignore<string>(ignored, "findings"),
        };

        var parsedSort = SystemSort.Name;
        if (!string.IsNullOrWhiteSpace(sort) && !(Enum.TryParse(sort.Trim(), ignoreCase: true, out parsedSort) && Enum.IsDefined(parsedSort) && !int.TryParse(sort, out _)))
        {
            parsedSort = SystemSort.Name;
            ignored.Add("sort");
        }

        return new SystemListQuery(Blank(q), parsedPhase, Blank(category), Blank(subject), parsedTransfer, parsedFindings, parsedSort,
            string.Equals(dir?.Trim(), "desc", StringComparison.OrdinalIgnoreCase))
        { Ignored = ignored };
    }

    /// <summary>The systems that match, in the asked order; each with its findings on <paramref name="today"/>.</summary>
    public IReadOnlyList<SystemListRow> Apply(IEnumerable<SystemRecord> systems, DateOnly today)
    {
        var rows = systems
            .Where(Matches)
            .Select(s => new SystemListRow(s, ComplianceFindings.For(s, today).ToList()))
            .Where(r => Findings switch
            {
                null => true,
                AnyFinding => r.Findings.Count > 0,
                NoFinding => r.Findings.Count == 0,
                var rule => r.Findings.Any(f => f.Rule == rule),
            });

        // Each sort ends with the name, so rows with the same key keep a stable, readable order.
        IOrderedEnumerable<SystemListRow> ordered = Sort switch
        {
            SystemSort.Phase => Order(rows, r => (int)r.System.Lifecycle, Comparer<int>.Default),
            SystemSort.Category => Order(rows, r => r.System.Category, SwedishOrder),
            SystemSort.Findings => Order(rows, r => r.Findings.Count, Comparer<int>.Default),
            _ => Order(rows, r => r.System.Name, SwedishOrder),
        };
        return ordered.ThenBy(r => r.System.Name, SwedishOrder).ThenBy(r => r.System.Id, StringComparer.Ordinal).ToList();
    }

    private IOrderedEnumerable<SystemListRow> Order<TKey>(IEnumerable<SystemListRow> rows, Func<SystemListRow, TKey> key, IComparer<TKey> comparer) =>
        Descending ? rows.OrderByDescending(key, comparer) : rows.OrderBy(key, comparer);

    private bool Matches(SystemRecord s)
    {
        if (Q is { } q && !new[] { s.Id, s.Name, s.Vendor, s.Description }.Any(text => text?.Contains(q, StringComparison.CurrentCultureIgnoreCase) == true))
        {
            return false;
        }

        return (Phase is not { } phase || s.Lifecycle == phase)
            && (Category is not { } category || string.Equals(s.Category, category, StringComparison.OrdinalIgnoreCase))
            && (DataSubject is not { } subject || s.Processing.DataSubjectCategories.Contains(subject, StringComparer.OrdinalIgnoreCase))
            && (Transfer is not { } transfer || s.Processing.ThirdCountryTransfers.Count > 0 == transfer);
    }

    /// <summary>The query string of this view with one parameter changed (null removes it): for sort links.</summary>
    public string ToQueryString(string? sort = null, bool? descending = null)
    {
        var parts = new List<KeyValuePair<string, string?>>
        {
            new("q", Q),
            new("phase", Phase is { } phase ? PhaseSlug(phase) : null),
            new("category", Category),
            new("subject", DataSubject),
            new("transfer", Transfer switch { true => "yes", false => "no", null => null }),
            new("findings", Findings is AnyFinding or NoFinding or null ? Findings : RuleSlug(Findings)),
            new("sort", (sort ?? Sort.ToString()).ToLowerInvariant()),
            new("dir", (descending ?? Descending) ? "desc" : null),
        };
        return Microsoft.AspNetCore.Http.QueryString.Create(parts.Where(p => !string.IsNullOrEmpty(p.Value))).ToString();
    }

    /// <summary>
    /// A phase in an address: <c>anvandning-och-support</c>. Not the enum name, which people must not
    /// read (an address is shown in the browser); the enum name is still understood.
    /// </summary>
    public static string PhaseSlug(LifecyclePhase phase) => PhaseWord().Replace(phase.ToString(), "-$1").ToLowerInvariant();

    /// <summary>A rule in an address: <c>processor-agreement-missing</c>; the rule code is still understood.</summary>
    public static string RuleSlug(string rule) => rule.ToLowerInvariant().Replace('_', '-');

    [System.Text.RegularExpressions.GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial System.Text.RegularExpressions.Regex PhaseWord();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool? Ignore(List<string> ignored, string name)
    {
        ignored.Add(name);
        return null;
    }

    private static T? Ignore<T>(List<string> ignored, string name) where T : class
    {
        ignored.Add(name);
        return null;
    }
}
