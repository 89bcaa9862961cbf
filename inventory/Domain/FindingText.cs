namespace Federation.Inventory.Domain;

/// <summary>
/// Where a compliance finding is resolved: the field of the record the edit page links it to. The
/// rule is <see cref="ComplianceFindings"/>; its words are <see cref="RegisterText.Rule"/>.
/// </summary>
public static class FindingText
{
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
