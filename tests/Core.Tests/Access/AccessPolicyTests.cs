using Federation.Core.Access;
using Federation.Core.Feed;

namespace Federation.Core.Tests.Access;

public sealed class AccessPolicyTests
{
    private static readonly FeedAccessPolicy Open = new([], [], [], "loa2");

    private static PersonFacts User(string[]? roles = null, string[]? groups = null, string[]? units = null, string? acr = "loa2") =>
        new("anna", (roles ?? []).ToHashSet(), (groups ?? []).ToHashSet(), (units ?? []).ToHashSet(), acr);

    [Fact]
    public void Empty_lists_let_anyone_signed_in_through()
    {
        Assert.Equal(AccessOutcome.Allowed, AccessPolicy.Evaluate(Open, User()).Outcome);
    }

    [Fact]
    public void Any_listed_role_grants_access()
    {
        var policy = Open with { Roles = ["larare", "rektor"] };

        Assert.Equal(AccessOutcome.Allowed, AccessPolicy.Evaluate(policy, User(roles: ["rektor"])).Outcome);
    }

    [Fact]
    public void A_missing_role_is_refused_with_the_roles_in_words()
    {
        var decision = AccessPolicy.Evaluate(Open with { Roles = ["larare", "rektor"] }, User(roles: ["elev"]));

        Assert.Equal(AccessOutcome.Denied, decision.Outcome);
        Assert.Equal("role", decision.ReasonCode);
        Assert.Equal("Systemet kräver någon av rollerna larare, rektor. Du har elev.", decision.Reason!.Sv);
        Assert.Contains("larare, rektor", decision.ReasonEnglish);
    }

    [Fact]
    public void A_missing_group_is_refused()
    {
        var policy = Open with { Groups = ["elevhalsoteam"] };

        Assert.Equal("group", AccessPolicy.Evaluate(policy, User(groups: ["larlag-7"])).ReasonCode);
        Assert.Equal(AccessOutcome.Allowed, AccessPolicy.Evaluate(policy, User(groups: ["elevhalsoteam"])).Outcome);
    }

    [Fact]
    public void Another_school_unit_is_refused()
    {
        var policy = Open with { SchoolUnits = ["41526371"] };

        var decision = AccessPolicy.Evaluate(policy, User(units: ["29384756"]));

        Assert.Equal("school-unit", decision.ReasonCode);
        Assert.Contains("41526371", decision.Reason!.Sv);
        Assert.Equal(AccessOutcome.Allowed, AccessPolicy.Evaluate(policy, User(units: ["29384756", "41526371"])).Outcome);
    }

    [Fact]
    public void Lists_are_and_ed_across_rules()
    {
        var policy = Open with { Roles = ["larare"], SchoolUnits = ["41526371"] };

        Assert.Equal("school-unit", AccessPolicy.Evaluate(policy, User(roles: ["larare"], units: ["29384756"])).ReasonCode);
    }

    [Theory]
    [InlineData("loa2")]
    [InlineData("http://id.elegnamnden.se/loa/1.0/loa2")]
    [InlineData(null)]
    public void Too_low_an_assurance_level_asks_for_step_up_not_refusal(string? acr)
    {
        var decision = AccessPolicy.Evaluate(Open with { AssuranceLevel = "loa3" }, User(acr: acr));

        Assert.Equal(AccessOutcome.StepUp, decision.Outcome);
        Assert.Equal(AssuranceLevel.Loa3, decision.RequiredLevel);
    }

    [Theory]
    [InlineData("loa3")]
    [InlineData("http://id.elegnamnden.se/loa/1.0/loa3")]
    [InlineData("loa4")]
    public void An_equal_or_higher_assurance_level_is_enough(string acr)
    {
        Assert.Equal(AccessOutcome.Allowed, AccessPolicy.Evaluate(Open with { AssuranceLevel = "loa3" }, User(acr: acr)).Outcome);
    }

    [Fact]
    public void Membership_is_checked_before_assurance_so_step_up_is_never_pointless()
    {
        var policy = Open with { Roles = ["rektor"], AssuranceLevel = "loa3" };

        Assert.Equal(AccessOutcome.Denied, AccessPolicy.Evaluate(policy, User(roles: ["elev"], acr: "loa2")).Outcome);
    }

    [Fact]
    public void An_unknown_assurance_level_in_the_register_refuses()
    {
        var decision = AccessPolicy.Evaluate(Open with { AssuranceLevel = "loa-hög" }, User(acr: "loa3"));

        Assert.Equal("unknown-assurance", decision.ReasonCode);
    }
}

public sealed class AccessPolicyLifecycleTests
{
    private static readonly PersonFacts Rektor = new("rolf", new HashSet<string> { "rektor" }, new HashSet<string>(), new HashSet<string>(), "loa3");

    private static FeedSystem System(LifecyclePhase phase) =>
        new("lika", "LIKA", phase, new FeedAccessPolicy(["rektor"], [], [], "loa2"), []);

    [Theory]
    [InlineData(LifecyclePhase.Anskaffning)]
    [InlineData(LifecyclePhase.Avvecklad)]
    public void A_system_not_in_use_is_denied_to_everyone(LifecyclePhase phase)
    {
        var decision = AccessPolicy.Evaluate(System(phase), Rektor);

        Assert.Equal(AccessOutcome.Denied, decision.Outcome);
        Assert.Equal("lifecycle", decision.ReasonCode);
        Assert.Contains("LIKA", decision.Reason!.Sv, StringComparison.Ordinal);
        Assert.Contains("LIKA", decision.ReasonEnglish, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LifecyclePhase.Driftsattning)]
    [InlineData(LifecyclePhase.AnvandningOchSupport)]
    [InlineData(LifecyclePhase.Avveckling)]
    public void A_system_in_use_follows_its_policy(LifecyclePhase phase)
    {
        Assert.True(AccessPolicy.Evaluate(System(phase), Rektor).IsAllowed);
    }

    [Fact]
    public void A_client_may_ask_for_more_than_the_register_but_never_less()
    {
        var loa2Person = Rektor with { Acr = "loa2" };

        Assert.True(AccessPolicy.Evaluate(System(LifecyclePhase.AnvandningOchSupport), loa2Person, AssuranceLevel.Loa1).IsAllowed);
        var decision = AccessPolicy.Evaluate(System(LifecyclePhase.AnvandningOchSupport), loa2Person, AssuranceLevel.Loa3);
        Assert.Equal(AccessOutcome.StepUp, decision.Outcome);
        Assert.Equal(AssuranceLevel.Loa3, decision.RequiredLevel);
    }

    [Fact]
    public void The_reason_comes_in_the_persons_language()
    {
        var decision = AccessPolicy.Evaluate(System(LifecyclePhase.AnvandningOchSupport), Rektor with { Roles = new HashSet<string> { "elev" } });

        Assert.StartsWith("Systemet kräver", decision.Reason!.In(new System.Globalization.CultureInfo("sv-SE")), StringComparison.Ordinal);
        Assert.StartsWith("The system requires", decision.Reason!.In(new System.Globalization.CultureInfo("en")), StringComparison.Ordinal);
    }
}
