namespace Federation.Idp.Saml;

/// <summary>
/// One code per reason a SAML message is refused. Codes are logged, counted in
/// <c>federation.idp.sign_ins</c> and asserted by the attack corpus; never shown to the user in detail.
/// </summary>
public static class SamlReason
{
    // Transport and parsing.
    public const string Oversized = "oversized";
    public const string MalformedBase64 = "malformed_base64";
    public const string MalformedXml = "malformed_xml";
    public const string DtdProhibited = "dtd_prohibited";
    public const string ExternalEntity = "external_entity";
    public const string EntityExpansion = "entity_expansion";
    public const string NotAResponse = "not_a_response";

    // Structure and signatures.
    public const string DuplicateId = "duplicate_id";
    public const string AssertionCount = "assertion_count";
    public const string NoSignature = "unsigned";
    public const string SignatureMisplaced = "signature_misplaced";
    public const string SignatureReferenceCount = "signature_reference_count";
    public const string SignatureReferenceMismatch = "signature_reference_mismatch";
    public const string SignatureTransform = "signature_transform";
    public const string WeakAlgorithm = "weak_algorithm";
    public const string WeakKey = "weak_key";
    public const string SignatureInvalid = "signature_invalid";
    public const string DecryptionFailed = "decryption_failed";
    public const string EncryptionAlgorithm = "encryption_algorithm";

    // Protocol.
    public const string StatusNotSuccess = "status_not_success";
    public const string IssuerMismatch = "issuer_mismatch";
    public const string DestinationMismatch = "destination_mismatch";
    public const string Unsolicited = "unsolicited";
    public const string InResponseToUnknown = "in_response_to_unknown";
    public const string InResponseToMismatch = "in_response_to_mismatch";
    public const string BrowserMismatch = "browser_mismatch";
    public const string IssueInstantStale = "issue_instant_stale";
    public const string SubjectConfirmationMissing = "subject_confirmation_missing";
    public const string RecipientMismatch = "recipient_mismatch";
    public const string SubjectConfirmationExpired = "subject_confirmation_expired";
    public const string ConditionsMissing = "conditions_missing";
    public const string NotYetValid = "not_yet_valid";
    public const string Expired = "expired";
    public const string AudienceMismatch = "audience_mismatch";
    public const string AuthnStatementMissing = "authn_statement_missing";
    public const string AuthnContextNotMet = "authn_context_not_met";
    public const string AuthnInstantStale = "authn_instant_stale";
    public const string NameIdMissing = "name_id_missing";
    public const string CommentInValue = "comment_in_value";
    public const string ValueNotText = "value_not_text";
    public const string Replay = "replay";

    /// <summary>A check failed in an unforeseen way (database down, a bug); the response is refused.</summary>
    public const string InternalError = "internal_error";

    // IdP side (inbound AuthnRequests).
    public const string UnknownServiceProvider = "unknown_sp";
    public const string AcsUrlNotRegistered = "acs_url_not_registered";
    public const string RequestSignatureInvalid = "request_signature_invalid";
    public const string RequestSignatureRequired = "request_signature_required";
    public const string NotAnAuthnRequest = "not_an_authn_request";
    public const string RequestExpired = "request_expired";
}

/// <summary>A SAML message was refused; <see cref="Reason"/> is one of <see cref="SamlReason"/>.</summary>
public sealed class SamlRefusedException(string reason, string? detail = null)
    : Exception(detail is null ? reason : $"{reason}: {detail}")
{
    public string Reason { get; } = reason;
}
