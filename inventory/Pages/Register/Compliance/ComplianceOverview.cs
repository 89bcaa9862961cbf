using Federation.Core.Feed;
using Federation.Inventory.Domain;

namespace Federation.Inventory.Pages.Register.Compliance;

/// <summary>A system's findings, for the "by system" part of the overview.</summary>
public sealed record SystemFindings(string SystemId, string SystemName, IReadOnlyList<Finding> Findings);

/// <summary>A system with special categories (Art. 9) and no impact assessment: which categories.</summary>
public sealed record SpecialCategoryGap(string SystemId, string SystemName, IReadOnlyList<string> Categories);

/// <summary>A processor agreement that ends soon.</summary>
public sealed record ExpiringAgreement(string SystemId, string SystemName, string Processor, DateOnly Expires, int DaysLeft);

/// <summary>
/// The figures of the compliance overview on one day. The findings come from
/// <see cref="ComplianceFindings"/> (the register's one set of rules); this only counts and groups them.
/// </summary>
public sealed record ComplianceOverview(
    DateOnly Today,
    IReadOnlyList<(string Rule, int Count)> FindingsByRule,
    IReadOnlyList<SystemFindings> FindingsBySystem,
    IReadOnlyList<(LifecyclePhase Phase, int Count)> SystemsByPhase,
    IReadOnlyList<ExpiringAgreement> ExpiringAgreements,
    IReadOnlyList<SpecialCategoryGap> SpecialCategoriesWithoutDpia)
{
    /// <summary>How far ahead the overview warns about processor agreements that end.</summary>
    public const int AgreementWarningDays = 90;

    public int FindingCount => FindingsBySystem.Sum(s => s.Findings.Count);

    /// <param name="systems">Every system of the register, retired ones too (they count in the phases).</param>
    public static ComplianceOverview Of(IReadOnlyList<SystemRecord> systems, DateOnly today)
    {
        var findings = ComplianceFindings.For(systems, today).ToList();
        var byRule = ComplianceFindings.RuleCodes
            .Select(rule => (rule, findings.Count(f => f.Rule == rule)))
            .ToList();
        var bySystem = findings
            .GroupBy(f => f.SystemId)
            .Select(g => new SystemFindings(g.Key, g.First().SystemName, g.ToList()))
            .OrderByDescending(s => s.Findings.Count).ThenBy(s => s.SystemName, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
        var byPhase = Enum.GetValues<LifecyclePhase>()
            .Select(phase => (phase, systems.Count(s => s.Lifecycle == phase)))
            .ToList();
        var horizon = today.AddDays(AgreementWarningDays);
        var expiring = systems
            .Where(s => s.Lifecycle != LifecyclePhase.Avvecklad)
            .Select(s => (System: s, Processor: s.Processing.Processor))
            .Where(x => x.Processor is { AgreementSigned: true, AgreementExpires: { } end } && end >= today && end <= horizon)
            .Select(x => new ExpiringAgreement(x.System.Id, x.System.Name, x.Processor!.Name, x.Processor.AgreementExpires!.Value,
                x.Processor.AgreementExpires.Value.DayNumber - today.DayNumber))
            .OrderBy(a => a.Expires).ThenBy(a => a.SystemName, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
        var withoutDpia = findings
            .Where(f => f.Rule == ComplianceFindings.SpecialCategoryWithoutDpia)
            .Select(f => new SpecialCategoryGap(f.SystemId, f.SystemName,
                systems.First(s => s.Id == f.SystemId).Processing.SpecialCategories))
            .ToList();
        return new ComplianceOverview(today, byRule, bySystem, byPhase, expiring, withoutDpia);
    }
}
