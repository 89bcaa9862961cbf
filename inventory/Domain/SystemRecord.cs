using Federation.Core.Attributes;
using Federation.Core.Feed;
using Federation.Core.Secrets;

namespace Federation.Inventory.Domain;

/// <summary>
/// One system of the register: what it is, who answers for it, how the federation reaches it,
/// its record of processing (GDPR Art. 30(1)) and its access policy. This is both the API body
/// and the stored document.
/// </summary>
/// <param name="Id">Slug, e.g. <c>procapita</c>: lower-case letters, digits and dashes.</param>
/// <param name="Category">verksamhetssystem, skolplattform, molntjänst, e-tjänst, intranät, lärplattform, …</param>
/// <param name="Owner">Systemägare: the function that owns the system.</param>
/// <param name="Administrator">Systemförvaltare: who runs it day to day.</param>
public sealed record SystemRecord(
    string Id,
    string Name,
    string? Description,
    string? Vendor,
    string Category,
    string Owner,
    string Administrator,
    LifecyclePhase Lifecycle,
    Integration? Integration,
    ProcessingRecord Processing,
    AccessPolicy Access)
{
    /// <summary>
    /// User names (<c>preferred_username</c>) of the people who answer for the system as its owner
    /// in the register: they may edit this system's entry (see <c>RegisterPermissions</c>).
    /// </summary>
    public IReadOnlyList<string> OwnerAccounts { get; init; } = [];

    /// <summary>True when the federation signs users in to it or proxies to it.</summary>
    public bool HasLiveFederation =>
        Integration is { } i && (i.SamlSp is not null || i.OidcClient is not null || i.Backend is not null);

    /// <summary>What stands for a secret in API answers and the audit log.</summary>
    public const string SecretMask = "***";

    /// <summary>
    /// The record as callers may see it: a client's secret is write-only, shown as the mask when
    /// one is set; its hash stays in the register and the feed.
    /// </summary>
    public SystemRecord Masked() =>
        Integration?.OidcClient is { } client
            ? this with
            {
                Integration = Integration with
                {
                    OidcClient = client with { ClientSecretHash = null, ClientSecret = client.ClientSecretHash is null ? null : SecretMask },
                },
            }
            : this;

    /// <summary>
    /// The record as stored: a new secret becomes its hash and is forgotten. A write that leaves
    /// the secret out (or sends the mask back) keeps the stored hash, so a read-modify-write round
    /// trip never loses it; an empty string removes it. A hash in the input is never taken over.
    /// </summary>
    public SystemRecord KeepingSecretOf(SystemRecord? stored)
    {
        if (Integration?.OidcClient is not { } client)
        {
            return this;
        }

        var hash = client.ClientSecret switch
        {
            null or SecretMask => stored?.Integration?.OidcClient?.ClientSecretHash,
            "" => null,
            var given => ClientSecretHash.Create(given),
        };
        return this with { Integration = Integration with { OidcClient = client with { ClientSecret = null, ClientSecretHash = hash } } };
    }
}

/// <summary>How the federation reaches a system; any combination, or none.</summary>
public sealed record Integration(FeedSamlSp? SamlSp = null, FeedOidcClient? OidcClient = null, FeedBackend? Backend = null);

/// <summary>
/// The record of processing of GDPR Art. 30(1) for one system.
/// </summary>
/// <param name="Controller">Personuppgiftsansvarig, e.g. Bildningsnämnden (Art. 30(1)(a)).</param>
/// <param name="ControllerContact">Contact of the controller (Art. 30(1)(a)).</param>
/// <param name="DataProtectionOfficer">Contact of the data protection officer (Art. 30(1)(a)).</param>
/// <param name="Purposes">Purposes of the processing (Art. 30(1)(b)).</param>
/// <param name="LegalBasis">Legal bases, Art. 6(1) letters <c>a</c>–<c>f</c>.</param>
/// <param name="DataSubjectCategories">elever, vardnadshavare, personal, medborgare, … (Art. 30(1)(c)).</param>
/// <param name="PersonalDataCategories">Categories of personal data (Art. 30(1)(c)); the codes of
/// <see cref="PersonalDataCategory"/> decide which attributes may be released.</param>
/// <param name="SpecialCategories">Special categories of Art. 9 (codes of <see cref="SpecialCategory"/>).</param>
/// <param name="Recipients">Recipients (Art. 30(1)(d)).</param>
/// <param name="ThirdCountryTransfers">Transfers to third countries and their safeguards (Art. 30(1)(e)).</param>
/// <param name="Retention">Time limits for erasure, gallring (Art. 30(1)(f)), in words.</param>
/// <param name="RetentionDays">The same as a number of days when it is a fixed period; the federation deletes its own sign-in events by it.</param>
/// <param name="SecurityMeasures">Technical and organisational security measures (Art. 30(1)(g)).</param>
/// <param name="Processor">The processor (personuppgiftsbiträde) and its agreement, if a processor is used.</param>
/// <param name="DpiaDone">Whether a data protection impact assessment (Art. 35) is done.</param>
public sealed record ProcessingRecord(
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
    int? RetentionDays,
    IReadOnlyList<string> SecurityMeasures,
    ProcessorAgreement? Processor,
    bool DpiaDone);

/// <summary>A transfer of personal data to a country outside the EU/EEA.</summary>
/// <param name="Safeguard">Art. 46 safeguard or Art. 45 adequacy decision; null or empty when none is documented.</param>
public sealed record ThirdCountryTransfer(string Country, string? Recipient, string? Safeguard);

/// <summary>The processor (personuppgiftsbiträde) and its agreement (personuppgiftsbiträdesavtal).</summary>
/// <param name="AgreementSigned">Whether a processor agreement exists.</param>
/// <param name="AgreementExpires">Last day the agreement is valid; null when it runs until further notice.</param>
public sealed record ProcessorAgreement(string Name, bool AgreementSigned, DateOnly? AgreementExpires);

/// <summary>Who may use a system and which attributes it may receive.</summary>
/// <param name="Roles">Roles any of which grants access; empty means any signed-in user.</param>
/// <param name="AssuranceLevel"><c>loa2</c> (password) or <c>loa3</c> (MFA / e-legitimation).</param>
/// <param name="Release">Attributes of <see cref="AttributeCatalog"/> the system may receive.</param>
public sealed record AccessPolicy(
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> SchoolUnits,
    string AssuranceLevel,
    IReadOnlyList<string> Release);

/// <summary>Special categories of personal data, GDPR Art. 9(1).</summary>
public static class SpecialCategory
{
    public static readonly IReadOnlyDictionary<string, string> SwedishLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["halsa"] = "Uppgifter om hälsa",
        ["etniskt-ursprung"] = "Ras eller etniskt ursprung",
        ["politiska-asikter"] = "Politiska åsikter",
        ["religios-overtygelse"] = "Religiös eller filosofisk övertygelse",
        ["fackligt-medlemskap"] = "Medlemskap i fackförening",
        ["genetiska-uppgifter"] = "Genetiska uppgifter",
        ["biometriska-uppgifter"] = "Biometriska uppgifter för identifiering",
        ["sexualliv"] = "Sexualliv eller sexuell läggning",
    };
}

