using Federation.Core.Feed;
using Federation.Inventory.Domain;
using Federation.Inventory.Pages.Register.Compliance;
using Federation.Inventory.Register;

namespace Federation.Inventory.Tests.Pages.Register.Compliance;

/// <summary>The compliance overview's figures over the demo register, on chosen days.</summary>
public sealed class ComplianceOverviewTests
{
    private static readonly IReadOnlyList<SystemRecord> Demo = DemoRegister.Systems();

    [Fact]
    public void Findings_by_rule_and_by_system_are_the_registers_findings_counted()
    {
        var today = new DateOnly(2026, 12, 2);
        var overview = ComplianceOverview.Of(Demo, today);
        var findings = ComplianceFindings.For(Demo, today).ToList();

        Assert.Equal(ComplianceFindings.RuleCodes, overview.FindingsByRule.Select(r => r.Rule));
        Assert.Equal(findings.Count, overview.FindingsByRule.Sum(r => r.Count));
        Assert.Equal(findings.Count, overview.FindingCount);
        Assert.Equal(1, overview.FindingsByRule.Single(r => r.Rule == ComplianceFindings.ProcessorAgreementMissing).Count);
        Assert.Equal(findings.Select(f => f.SystemId).Distinct().Order(), overview.FindingsBySystem.Select(s => s.SystemId).Order());
        var counts = overview.FindingsBySystem.Select(s => s.Findings.Count).ToList();
        Assert.Equal(counts.OrderDescending(), counts);
    }

    [Fact]
    public void Every_phase_is_counted_also_retired_systems()
    {
        var overview = ComplianceOverview.Of(Demo, new DateOnly(2026, 12, 2));
        Assert.Equal(Enum.GetValues<LifecyclePhase>(), overview.SystemsByPhase.Select(p => p.Phase));
        Assert.Equal(Demo.Count, overview.SystemsByPhase.Sum(p => p.Count));
        Assert.Equal(1, overview.SystemsByPhase.Single(p => p.Phase == LifecyclePhase.Avvecklad).Count);
    }

    [Fact]
    public void Agreements_ending_within_90_days_are_listed_soonest_first_and_expired_ones_are_not()
    {
        // Förskoleportalen's agreement ends 2027-03-31, Schoolsoft's 2027-06-30, Google's ended 2025-06-30.
        var overview = ComplianceOverview.Of(Demo, new DateOnly(2027, 1, 1));
        var expiring = Assert.Single(overview.ExpiringAgreements);
        Assert.Equal("forskoleportalen", expiring.SystemId);
        Assert.Equal(89, expiring.DaysLeft);

        // The last day counts (0 days left); the 91st day ahead does not; a day after the end it is gone.
        var lastDay = ComplianceOverview.Of(Demo, new DateOnly(2027, 3, 31));
        Assert.Equal(0, Assert.Single(lastDay.ExpiringAgreements).DaysLeft);
        var dayAfter = ComplianceOverview.Of(Demo, new DateOnly(2027, 4, 1));
        var schoolsoft = Assert.Single(dayAfter.ExpiringAgreements);
        Assert.Equal(("schoolsoft", 90), (schoolsoft.SystemId, schoolsoft.DaysLeft));

        Assert.Empty(ComplianceOverview.Of(Demo, new DateOnly(2026, 12, 1)).ExpiringAgreements);
    }

    [Fact]
    public void Special_categories_without_dpia_are_the_rules_findings()
    {
        var overview = ComplianceOverview.Of(Demo, new DateOnly(2026, 12, 2));
        Assert.Equal(["e-modersmal", "schoolsoft"], overview.SpecialCategoriesWithoutDpia.Select(f => f.SystemId).Order());
    }
}
