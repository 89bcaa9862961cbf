using Federation.Core.Attributes;
using Federation.Core.Feed;

namespace Federation.Inventory.Domain;

/// <summary>One compliance finding: which system, which rule, and what a person should do.</summary>
/// <param name="Rule">Stable rule code, e.g. <c>PROCESSOR_AGREEMENT_EXPIRED</c>.</param>
/// <param name="Action">A sentence a person can act on.</param>
public sealed record Finding(string SystemId, string SystemName, string Rule, string Severity, string Action);

/// <summary>
/// The compliance rules of the register (DESIGN.md "Reports"). Each rule is a small named
/// check; the list is the whole policy.
/// </summary>
public static class ComplianceFindings
{
    public const string ProcessorAgreementMissing = "PROCESSOR_AGREEMENT_MISSING";
    public const string ProcessorAgreementExpired = "PROCESSOR_AGREEMENT_EXPIRED";
    public const string ThirdCountryWithoutSafeguard = "THIRD_COUNTRY_WITHOUT_SAFEGUARD";
    public const string SpecialCategoryWithoutDpia = "SPECIAL_CATEGORY_WITHOUT_DPIA";
    public const string DecommissioningWithLiveFederation = "DECOMMISSIONING_WITH_LIVE_FEDERATION";
    public const string ReleaseWithoutPurpose = "RELEASE_WITHOUT_PURPOSE";
    public const string IntegrationNotApplicable = "INTEGRATION_NOT_APPLICABLE";

    /// <summary>Every rule code, in the order the rules run (for lists and filters of people's pages).</summary>
    public static readonly IReadOnlyList<string> RuleCodes =
    [
        ProcessorAgreementMissing,
        ProcessorAgreementExpired,
        ThirdCountryWithoutSafeguard,
        SpecialCategoryWithoutDpia,
        DecommissioningWithLiveFederation,
        ReleaseWithoutPurpose,
        IntegrationNotApplicable,
    ];

    private delegate IEnumerable<(string Rule, string Severity, string Action)> Rule(SystemRecord system, DateOnly today);

    private static readonly Rule[] Rules =
    [
        ProcessorAgreement,
        ThirdCountryTransfers,
        SpecialCategories,
        Decommissioning,
        ReleasePurpose,
        IntegrationApplicable,
    ];

    /// <summary>All findings for the given systems on the given day; retired systems have none.</summary>
    public static IEnumerable<Finding> For(IEnumerable<SystemRecord> systems, DateOnly today) =>
        systems.SelectMany(s => For(s, today));

    public static IEnumerable<Finding> For(SystemRecord system, DateOnly today)
    {
        if (system.Lifecycle == LifecyclePhase.Avvecklad)
        {
            yield break;
        }

        foreach (var rule in Rules)
        {
            foreach (var (code, severity, action) in rule(system, today))
            {
                yield return new Finding(system.Id, system.Name, code, severity, action);
            }
        }
    }

    /// <summary>
    /// An entry stored before the register checked integration fields by its consumers' rules:
    /// the idp or the gateway skips it (and reports it) until it is corrected.
    /// </summary>
    private static IEnumerable<(string, string, string)> IntegrationApplicable(SystemRecord s, DateOnly today)
    {
        foreach (var (field, messages) in SystemValidator.Validate(s).Where(e => e.Key.StartsWith("integration.", StringComparison.Ordinal)))
        {
            yield return (IntegrationNotApplicable, "high",
                $"The idp or the gateway cannot apply {field} and skips it: {string.Join(" ", messages)} Correct the entry.");
        }
    }

    private static IEnumerable<(string, string, string)> ProcessorAgreement(SystemRecord s, DateOnly today)
    {
        if (s.Processing.Processor is not { } processor)
        {
            yield break;
        }

        if (!processor.AgreementSigned)
        {
            yield return (ProcessorAgreementMissing, "high",
                $"Sign a personuppgiftsbiträdesavtal with {processor.Name} for {s.Name}, or stop the processing; {s.Owner} is responsible.");
        }
        else if (processor.AgreementExpires is { } expires && expires < today)
        {
            yield return (ProcessorAgreementExpired, "high",
                $"The personuppgiftsbiträdesavtal with {processor.Name} for {s.Name} expired on {expires:yyyy-MM-dd}; renew it and register the new expiry date.");
        }
    }

    private static IEnumerable<(string, string, string)> ThirdCountryTransfers(SystemRecord s, DateOnly today)
    {
        foreach (var transfer in s.Processing.ThirdCountryTransfers.Where(t => string.IsNullOrWhiteSpace(t.Safeguard)))
        {
            var to = transfer.Recipient is { Length: > 0 } r ? $"{r} in {transfer.Country}" : transfer.Country;
            yield return (ThirdCountryWithoutSafeguard, "high",
                $"{s.Name} transfers personal data to {to} without a documented safeguard; document the adequacy decision or standard contractual clauses (Art. 45/46), or stop the transfer.");
        }
    }

    private static IEnumerable<(string, string, string)> SpecialCategories(SystemRecord s, DateOnly today)
    {
        if (s.Processing.SpecialCategories.Count > 0 && !s.Processing.DpiaDone)
        {
            var labels = s.Processing.SpecialCategories.Select(c => SpecialCategory.SwedishLabels.GetValueOrDefault(c, c).ToLowerInvariant());
            yield return (SpecialCategoryWithoutDpia, "high",
                $"{s.Name} processes special categories ({string.Join(", ", labels)}) without an impact assessment; carry out a DPIA (Art. 35) and register it.");
        }
    }

    private static IEnumerable<(string, string, string)> Decommissioning(SystemRecord s, DateOnly today)
    {
        if (s.Lifecycle == LifecyclePhase.Avveckling && s.HasLiveFederation)
        {
            var how = new List<string>();
            if (s.Integration?.SamlSp is not null) how.Add("SAML SP");
            if (s.Integration?.OidcClient is not null) how.Add("OIDC client");
            if (s.Integration?.Backend is not null) how.Add("gateway route");
            yield return (DecommissioningWithLiveFederation, "medium",
                $"{s.Name} is being decommissioned but still has live federation ({string.Join(", ", how)}); remove the integration or set the lifecycle to Avvecklad once users have moved.");
        }
    }

    private static IEnumerable<(string, string, string)> ReleasePurpose(SystemRecord s, DateOnly today)
    {
        if (s.Access.Release.Count == 0)
        {
            yield break;
        }

        if (s.Processing.Purposes.Count == 0 || s.Processing.LegalBasis.Count == 0)
        {
            yield return (ReleaseWithoutPurpose, "high",
                $"{s.Name} receives attributes ({string.Join(", ", s.Access.Release)}) but its record of processing has no registered {(s.Processing.Purposes.Count == 0 ? "purpose" : "legal basis")}; register it or empty the release list.");
        }

        // The register refuses such releases on write; this catches records stored before a category changed.
        foreach (var name in s.Access.Release)
        {
            if (AttributeCatalog.Find(name) is { } attribute && !s.Processing.PersonalDataCategories.Contains(attribute.Category))
            {
                yield return (ReleaseWithoutPurpose, "high",
                    $"{s.Name} receives '{name}' but category '{attribute.Category}' is not in its record of processing; register the category or remove the attribute.");
            }
        }
    }
}
