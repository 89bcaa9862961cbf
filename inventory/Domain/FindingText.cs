using Federation.Core.Text;

namespace Federation.Inventory.Domain;

/// <summary>
/// A compliance finding for people: the rule in words, what to do, and the field of the record
/// that resolves it (the edit page links the finding to it). The rule itself is <see cref="ComplianceFindings"/>.
/// </summary>
public static class FindingText
{
    public static PersonText Title(string rule) => rule switch
    {
        ComplianceFindings.ProcessorAgreementMissing => new("Biträdesavtal saknas", "Processor agreement missing"),
        ComplianceFindings.ProcessorAgreementExpired => new("Biträdesavtalet har gått ut", "Processor agreement expired"),
        ComplianceFindings.ThirdCountryWithoutSafeguard => new("Överföring till tredje land utan skyddsåtgärd", "Third-country transfer without safeguard"),
        ComplianceFindings.SpecialCategoryWithoutDpia => new("Känsliga personuppgifter utan konsekvensbedömning", "Special categories without impact assessment"),
        ComplianceFindings.DecommissioningWithLiveFederation => new("Avvecklas men är fortfarande anslutet", "Being retired but still connected"),
        ComplianceFindings.ReleaseWithoutPurpose => new("Attribut lämnas ut utan registrerat ändamål", "Attributes released without a registered purpose"),
        ComplianceFindings.IntegrationNotApplicable => new("Anslutningen kan inte användas", "The connection cannot be applied"),
        _ => new(rule, rule),
    };

    public static PersonText Action(string rule) => rule switch
    {
        ComplianceFindings.ProcessorAgreementMissing => new(
            "Teckna ett personuppgiftsbiträdesavtal med biträdet och markera att avtalet finns, eller sluta använda biträdet.",
            "Sign a processor agreement and mark it as signed, or stop using the processor."),
        ComplianceFindings.ProcessorAgreementExpired => new(
            "Förnya biträdesavtalet och ange det nya slutdatumet.", "Renew the processor agreement and enter its new expiry date."),
        ComplianceFindings.ThirdCountryWithoutSafeguard => new(
            "Ange skyddsåtgärden för varje överföring (beslut om adekvat skyddsnivå eller standardavtalsklausuler, art. 45/46), eller stoppa överföringen.",
            "Enter the safeguard of each transfer (adequacy decision or standard contractual clauses, Art. 45/46), or stop the transfer."),
        ComplianceFindings.SpecialCategoryWithoutDpia => new(
            "Gör en konsekvensbedömning (art. 35) och markera att den är gjord.", "Carry out an impact assessment (Art. 35) and mark it as done."),
        ComplianceFindings.DecommissioningWithLiveFederation => new(
            "Ta bort anslutningen till federationen, eller för systemet till Avvecklad när användarna har flyttat.",
            "Remove the connection to the federation, or move the system to Retired once its users have moved."),
        ComplianceFindings.ReleaseWithoutPurpose => new(
            "Registrera ändamål, rättslig grund och personuppgiftskategorier för det som lämnas ut, eller ta bort attributen.",
            "Register the purposes, legal basis and personal-data categories of what is released, or remove the attributes."),
        ComplianceFindings.IntegrationNotApplicable => new(
            "Rätta anslutningens uppgifter; idp:n eller gatewayn hoppar över dem tills de går att använda.",
            "Correct the connection's entries; the idp or the gateway skips them until they can be applied."),
        _ => new("", ""),
    };

    /// <summary>The field of the record a person changes to resolve the finding.</summary>
    public static string Field(string rule) => rule switch
    {
        ComplianceFindings.ProcessorAgreementMissing => "processing.processor.agreementSigned",
        ComplianceFindings.ProcessorAgreementExpired => "processing.processor.agreementExpires",
        ComplianceFindings.ThirdCountryWithoutSafeguard => "processing.thirdCountryTransfers",
        ComplianceFindings.SpecialCategoryWithoutDpia => "processing.dpiaDone",
        ComplianceFindings.DecommissioningWithLiveFederation => "integration.backend.publicPath",
        ComplianceFindings.ReleaseWithoutPurpose => "processing.purposes",
        _ => "integration.oidcClient.clientId",
    };
}
