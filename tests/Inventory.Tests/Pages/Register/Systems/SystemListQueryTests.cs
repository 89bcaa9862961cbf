using Federation.Core.Feed;
using Federation.Inventory.Domain;
using Federation.Inventory.Pages.Register.Systems;
using Federation.Inventory.Register;

namespace Federation.Inventory.Tests.Pages.Register.Systems;

/// <summary>The systems list's search, filters and sorting over the demo register, on a fixed day.</summary>
public sealed class SystemListQueryTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);
    private static readonly IReadOnlyList<SystemRecord> Demo = DemoRegister.Systems();

    private static List<string> Ids(SystemListQuery query) => query.Apply(Demo, Today).Select(r => r.System.Id).ToList();

    private static SystemListQuery Parse(string? q = null, string? phase = null, string? category = null, string? subject = null,
        string? transfer = null, string? findings = null, string? sort = null, string? dir = null) =>
        SystemListQuery.Parse(q, phase, category, subject, transfer, findings, sort, dir);

    [Fact]
    public void No_parameters_list_every_system_by_name_the_swedish_way()
    {
        var rows = Parse().Apply(Demo, Today);
        Assert.Equal(Demo.Count, rows.Count);
        var names = rows.Select(r => r.System.Name).ToList();
        // Å, Ä and Ö come after Z in Swedish; "Förskoleportalen" sorts under F, "Intranätet" under I.
        Assert.True(names.IndexOf("Förskoleportalen") < names.IndexOf("Google Workspace for Education"));
        Assert.Equal(names.OrderBy(n => n, StringComparer.Create(new System.Globalization.CultureInfo("sv-SE"), true)), names);
    }

    [Theory]
    [InlineData("schoolsoft", "schoolsoft")]      // id
    [InlineData("CGI Sverige", "procapita")]      // vendor
    [InlineData("intranätet", "intranat")]        // name, any case
    public void Search_looks_in_id_name_vendor_and_description(string q, string expected) =>
        Assert.Contains(expected, Ids(Parse(q: q)));

    [Fact]
    public void Search_in_the_description_finds_only_systems_that_say_it()
    {
        var ids = Ids(Parse(q: "lärplattor"));
        Assert.Contains("larplattor", ids);
        Assert.DoesNotContain("procapita", ids);
    }

    [Fact]
    public void Filters_combine()
    {
        Assert.Equal(["larplattor"], Ids(Parse(phase: "driftsattning")));
        Assert.Equal(["larplattor"], Ids(Parse(phase: "Driftsattning")));
        var cloudWithTransfer = Ids(Parse(category: "molntjänst", transfer: "yes"));
        Assert.Equal(["google-workspace", "microsoft-365"], cloudWithTransfer.Order());
        Assert.DoesNotContain("google-workspace", Ids(Parse(transfer: "no")));
        var citizens = Ids(Parse(subject: "medborgare"));
        Assert.Contains("e-skolskjuts", citizens);
        Assert.DoesNotContain("procapita", citizens);
        Assert.Equal(["intranat"], Ids(Parse(subject: "personal", category: "intranät")));
    }

    [Fact]
    public void Findings_filter_by_any_none_or_one_rule()
    {
        var any = Ids(Parse(findings: "any"));
        var none = Ids(Parse(findings: "none"));
        Assert.Contains("lika", any);
        Assert.Contains("forskoleportalen", none);
        Assert.Equal(Demo.Count, any.Count + none.Count);
        Assert.Empty(any.Intersect(none));

        Assert.Equal(["lika"], Ids(Parse(findings: ComplianceFindings.ProcessorAgreementMissing)));
        Assert.Equal(["e-modersmal", "schoolsoft"], Ids(Parse(findings: ComplianceFindings.SpecialCategoryWithoutDpia)).Order());
    }

    [Fact]
    public void Sorting_by_findings_puts_the_most_findings_first_when_descending()
    {
        var rows = Parse(sort: "findings", dir: "desc").Apply(Demo, Today);
        var counts = rows.Select(r => r.Findings.Count).ToList();
        Assert.Equal(counts.OrderDescending(), counts);
        Assert.True(counts[0] > 0);
        Assert.Equal(0, counts[^1]);
    }

    [Fact]
    public void Sorting_by_phase_follows_the_lifecycle_not_the_alphabet()
    {
        var phases = Parse(sort: "phase").Apply(Demo, Today).Select(r => r.System.Lifecycle).ToList();
        Assert.Equal(LifecyclePhase.Driftsattning, phases[0]);
        Assert.Equal(LifecyclePhase.Avvecklad, phases[^1]);
        Assert.Equal(phases.Order(), phases);
    }

    [Fact]
    public void Sorting_by_category_then_name()
    {
        var rows = Parse(sort: "category", dir: "desc").Apply(Demo, Today);
        var categories = rows.Select(r => r.System.Category).ToList();
        var swedish = StringComparer.Create(new System.Globalization.CultureInfo("sv-SE"), true);
        Assert.Equal(categories.OrderDescending(swedish), categories);
    }

    [Fact]
    public void Unknown_values_are_ignored_and_reported_not_failed()
    {
        var query = Parse(phase: "Sommarlov", transfer: "kanske", findings: "DROP TABLE", sort: "pris", dir: "sideways");
        Assert.Equal(["phase", "transfer", "findings", "sort"], query.Ignored);
        Assert.Equal(Demo.Count, query.Apply(Demo, Today).Count);
        // A number is not a phase, even though the enum would take it.
        Assert.Contains("phase", Parse(phase: "3").Ignored);
    }

    [Fact]
    public void A_phase_in_the_address_is_a_slug_not_the_enum_name()
    {
        Assert.Equal("anvandning-och-support", SystemListQuery.PhaseSlug(LifecyclePhase.AnvandningOchSupport));
        Assert.Equal("?phase=anvandning-och-support&sort=name", Parse(phase: "anvandning-och-support").ToQueryString());
        Assert.All(Enum.GetValues<LifecyclePhase>(), p => Assert.Equal(p, Parse(phase: SystemListQuery.PhaseSlug(p)).Phase));
    }

    [Fact]
    public void The_query_string_round_trips_so_a_filtered_view_is_a_shareable_link()
    {
        var query = Parse(q: "skola & fritid", phase: "AnvandningOchSupport", subject: "elever", transfer: "no",
            findings: ComplianceFindings.ReleaseWithoutPurpose, sort: "findings", dir: "desc");
        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query.ToQueryString());
        var again = Parse(parameters["q"], parameters["phase"], parameters.GetValueOrDefault("category"), parameters["subject"],
            parameters["transfer"], parameters["findings"], parameters["sort"], parameters["dir"]);
        Assert.Empty(again.Ignored);
        Assert.Equal(query, again with { Ignored = query.Ignored });

        var flipped = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query.ToQueryString(sort: "name", descending: false));
        Assert.Equal("name", flipped["sort"]);
        Assert.False(flipped.ContainsKey("dir"));
        Assert.Equal("skola & fritid", flipped["q"]);
    }
}
