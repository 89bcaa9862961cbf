using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Federation.Idp.Saml.Storage;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml.Sp;

/// <summary>What an accepted response says about the user.</summary>
/// <param name="Scopes">The scopes the upstream's metadata declares (<c>shibmd:Scope</c>), for eppn and scoped affiliations.</param>
public sealed record SamlAssertionIdentity(
    string Upstream,
    string Issuer,
    string NameId,
    string? NameIdFormat,
    string? SessionIndex,
    string? AuthnContextClassRef,
    DateTimeOffset AuthnInstant,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes,
    string? ReturnUrl,
    IReadOnlyList<string> Scopes,
    string RequestId);

/// <summary>Outcome of <see cref="SamlResponseValidator.ValidateAsync"/>: an identity, or the check that refused and why.</summary>
public sealed record SamlValidationResult(SamlAssertionIdentity? Identity, string? Check, string? Reason)
{
    public bool Succeeded => Identity is not null;
}

/// <summary>
/// The SP side's Assertion Consumer Service logic: a pipeline of small named checks over one
/// base64 SAMLResponse. The first check that fails decides the reason code; only a response that
/// passes all of them yields an identity. Values are read only from the element whose signature
/// was verified.
/// </summary>
public sealed class SamlResponseValidator(
    IOptions<SamlOptions> options,
    UpstreamIdpCatalog upstreams,
    ISamlRequestStore requests,
    ISamlReplayCache replayCache,
    SamlKeyStore keys,
    SamlBrowserBinding binding,
    TimeProvider time,
    SamlTelemetry telemetry,
    ILogger<SamlResponseValidator> logger)
{
    private readonly SamlOptions settings = options.Value;

    private sealed record Check(string Name, Func<ResponseContext, CancellationToken, ValueTask<string?>> Run);

    private Check[] Pipeline =>
    [
        new("size", (c, _) => Sync(CheckSize(c))),
        new("base64", (c, _) => Sync(DecodeBase64(c))),
        new("xml", (c, _) => Sync(LoadXml(c))),
        new("response_element", (c, _) => Sync(CheckResponseElement(c))),
        new("unique_ids", (c, _) => Sync(CheckUniqueIds(c))),
        new("status", (c, _) => Sync(CheckStatus(c))),
        new("assertion_count", (c, _) => Sync(CheckAssertionCount(c))),
        new("signature_placement", (c, _) => Sync(CheckSignaturePlacement(c))),
        new("in_response_to", FindRequestAsync),
        new("browser_binding", (c, _) => Sync(CheckBrowserBinding(c))),
        new("response_issuer", (c, _) => Sync(CheckResponseIssuer(c))),
        new("response_signature", (c, _) => Sync(CheckResponseSignature(c))),
        new("decryption", DecryptAsync),
        new("assertion_signature", (c, _) => Sync(CheckAssertionSignature(c))),
        new("assertion_issuer", (c, _) => Sync(CheckAssertionIssuer(c))),
        new("destination", (c, _) => Sync(CheckDestination(c))),
        new("issue_instant", (c, _) => Sync(CheckIssueInstant(c))),
        new("conditions_time", (c, _) => Sync(CheckConditionsTime(c))),
        new("audience", (c, _) => Sync(CheckAudience(c))),
        new("subject_confirmation", (c, _) => Sync(CheckSubjectConfirmation(c))),
        new("authn_statement", (c, _) => Sync(CheckAuthnStatement(c))),
        new("name_id", (c, _) => Sync(CheckNameId(c))),
        new("attributes", (c, _) => Sync(ReadAttributes(c))),
        new("replay", CheckReplayAsync),
        new("request_consumed", ConsumeRequestAsync),
    ];

    /// <summary>Validates a SAMLResponse form value that arrived at <paramref name="acsUrl"/>.</summary>
    /// <param name="presentedBinding">The posting browser's <see cref="SamlBrowserBinding"/> value for a request ID, or null.</param>
    public async Task<SamlValidationResult> ValidateAsync(string samlResponse, Uri acsUrl, Func<string, string?> presentedBinding, CancellationToken cancellationToken = default)
    {
        using var activity = SamlTelemetry.ActivitySource.StartActivity("saml.validate_response");
        var context = new ResponseContext(samlResponse, acsUrl, time.GetUtcNow(), presentedBinding);
        foreach (var check in Pipeline)
        {
            string? reason;
            try
            {
                reason = await check.Run(context, cancellationToken);
            }
            catch (SamlRefusedException e)
            {
                reason = e.Reason;
                logger.LogDebug(e, "SAML check {Check} threw", check.Name);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Fail closed: whatever went wrong, no identity comes out of this response.
                reason = SamlReason.InternalError;
                logger.LogError(e, "SAML check {Check} failed unexpectedly", check.Name);
            }
            if (reason is not null)
            {
                logger.LogWarning("SAML response refused by check {Check}: {Reason} (upstream {Upstream}, response {ResponseId})",
                    check.Name, reason, context.Upstream?.Name ?? "unknown", context.ResponseId ?? "-");
                telemetry.Login("upstream", context.Upstream?.Name ?? "unknown", "refused", reason);
                activity?.SetTag("saml.check", check.Name).SetTag("saml.reason", reason).SetStatus(System.Diagnostics.ActivityStatusCode.Error, reason);
                return new SamlValidationResult(null, check.Name, reason);
            }
        }
        var identity = context.ToIdentity();
        logger.LogInformation("SAML response accepted from {Upstream} (assertion {AssertionId})", identity.Upstream, context.AssertionId);
        telemetry.Login("upstream", identity.Upstream, "success", null);
        return new SamlValidationResult(identity, null, null);
    }

    private static ValueTask<string?> Sync(string? reason) => ValueTask.FromResult(reason);

    private string? CheckSize(ResponseContext c) =>
        c.Encoded.Length > (settings.MaxMessageSize / 3 + 1) * 4 + 1024 ? SamlReason.Oversized : null;

    private string? DecodeBase64(ResponseContext c)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(c.Encoded);
        }
        catch (FormatException)
        {
            return SamlReason.MalformedBase64;
        }
        if (bytes.Length > settings.MaxMessageSize)
        {
            return SamlReason.Oversized;
        }
        try
        {
            c.Xml = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return SamlReason.MalformedXml;
        }
        return null;
    }

    private string? LoadXml(ResponseContext c)
    {
        c.Document = SecureXml.Load(c.Xml!, settings.MaxMessageSize);
        return null;
    }

    private static string? CheckResponseElement(ResponseContext c)
    {
        var root = c.Document!.DocumentElement;
        if (root is null || root.LocalName != "Response" || root.NamespaceURI != SamlNames.Protocol
            || root.GetAttribute("Version") != "2.0" || root.GetAttribute("ID").Length == 0)
        {
            return SamlReason.NotAResponse;
        }
        c.Response = root;
        c.ResponseId = root.GetAttribute("ID");
        return null;
    }

    /// <summary>No two elements anywhere share an ID, under any of the attribute names SignedXml resolves.</summary>
    private static string? CheckUniqueIds(ResponseContext c) =>
        SamlIds.HasDuplicates(c.Document!) ? SamlReason.DuplicateId : null;

    /// <summary>Exactly one assertion (plain or encrypted) in the whole document, as a child of the Response.</summary>
    private static string? CheckAssertionCount(ResponseContext c)
    {
        var all = c.Document!.SelectNodes("//*")!.Cast<XmlElement>()
            .Where(e => e.NamespaceURI == SamlNames.Assertion && e.LocalName is "Assertion" or "EncryptedAssertion")
            .ToList();
        if (all.Count != 1 || all[0].ParentNode != c.Response)
        {
            return SamlReason.AssertionCount;
        }
        c.AssertionOrEncrypted = all[0];
        return null;
    }

    /// <summary>Signatures may only be enveloped in the Response or the Assertion, nowhere else.</summary>
    private static string? CheckSignaturePlacement(ResponseContext c)
    {
        foreach (var signature in c.Document!.GetElementsByTagName("Signature", SamlNames.DSig).Cast<XmlElement>())
        {
            if (signature.ParentNode != c.Response && signature.ParentNode != c.AssertionOrEncrypted)
            {
                return SamlReason.SignatureMisplaced;
            }
        }
        return null;
    }

    /// <summary>No unsolicited responses: InResponseTo names a request we sent and that is still waiting.</summary>
    private async ValueTask<string?> FindRequestAsync(ResponseContext c, CancellationToken cancellationToken)
    {
        var inResponseTo = c.Response.GetAttributeNode("InResponseTo")?.Value;
        if (string.IsNullOrEmpty(inResponseTo))
        {
            return SamlReason.Unsolicited;
        }
        c.Request = await requests.FindAsync(inResponseTo, cancellationToken);
        if (c.Request is null)
        {
            return SamlReason.InResponseToUnknown;
        }
        c.Upstream = upstreams.Find(c.Request.Upstream);
        return c.Upstream is null ? SamlReason.InResponseToUnknown : null;
    }

    /// <summary>The browser that posts the response is the one that started the request (login CSRF).</summary>
    private string? CheckBrowserBinding(ResponseContext c) =>
        binding.Matches(c.Request!.Id, c.PresentedBinding(c.Request.Id)) ? null : SamlReason.BrowserMismatch;

    /// <summary>The Response's Issuer, when present, is the IdP we sent the request to.</summary>
    private static string? CheckResponseIssuer(ResponseContext c)
    {
        var issuers = c.Response.Children(SamlNames.Assertion, "Issuer");
        return issuers.Count switch
        {
            0 => null,
            1 when issuers[0].ReadToken() == c.Upstream!.EntityId => null,
            _ => SamlReason.IssuerMismatch,
        };
    }

    private static string? CheckResponseSignature(ResponseContext c)
    {
        if (EnvelopedSignature.SignaturesOf(c.Response).Count == 0)
        {
            return null;
        }
        var reason = EnvelopedSignature.Verify(c.Response, c.Upstream!.SigningCertificates);
        c.ResponseSigned = reason is null;
        return reason;
    }

    private static string? CheckStatus(ResponseContext c)
    {
        var code = c.Response.OnlyChild(SamlNames.Protocol, "Status")?.OnlyChild(SamlNames.Protocol, "StatusCode");
        return code?.GetAttribute("Value") == SamlNames.StatusSuccess ? null : SamlReason.StatusNotSuccess;
    }

    private async ValueTask<string?> DecryptAsync(ResponseContext c, CancellationToken cancellationToken)
    {
        if (c.AssertionOrEncrypted!.LocalName == "Assertion")
        {
            c.Assertion = c.AssertionOrEncrypted;
            return null;
        }
        var certificate = await keys.GetEncryptionCertificateAsync(cancellationToken);
        using var key = certificate.GetRSAPrivateKey()!;
        // CBC only when the Response's signature has verified (check 11): no padding oracle for unsigned input.
        var assertion = AssertionDecryptor.Decrypt(c.AssertionOrEncrypted, key, settings.MaxMessageSize, allowCbc: c.ResponseSigned);
        c.Response.ReplaceChild(assertion, c.AssertionOrEncrypted);
        c.Assertion = assertion;
        // The decrypted content gets the same structural scrutiny as a plain response, except that
        // IDs only have to be unique where they matter: pysaml2 signs the assertion before encrypting
        // it and gives both ds:Signature elements Id="Signature1", which no reference points at.
        return CheckReferencedIdsUnique(c) ?? CheckAssertionCount(c) ?? CheckSignaturePlacement(c);
    }

    /// <summary>The Response's and Assertion's IDs, and every ID a signature references, occur once.</summary>
    private static string? CheckReferencedIdsUnique(ResponseContext c)
    {
        var counts = SamlIds.Count(c.Document!);
        var referenced = c.Document!.GetElementsByTagName("Reference", SamlNames.DSig).Cast<XmlElement>()
            .Select(r => r.GetAttribute("URI").TrimStart('#'))
            .Append(c.Response.GetAttribute("ID"))
            .Append(c.Assertion!.GetAttribute("ID"));
        return referenced.Any(id => counts.GetValueOrDefault(id) > 1) ? SamlReason.DuplicateId : null;
    }

    /// <summary>The assertion is covered by a valid signature: its own, or the Response's.</summary>
    private static string? CheckAssertionSignature(ResponseContext c)
    {
        if (EnvelopedSignature.SignaturesOf(c.Assertion!).Count == 0)
        {
            return c.ResponseSigned ? null : SamlReason.NoSignature;
        }
        return EnvelopedSignature.Verify(c.Assertion!, c.Upstream!.SigningCertificates);
    }

    private static string? CheckAssertionIssuer(ResponseContext c) =>
        c.Assertion!.OnlyChild(SamlNames.Assertion, "Issuer")?.ReadToken() == c.Upstream!.EntityId
            ? null
            : SamlReason.IssuerMismatch;

    /// <summary>Destination must be present and be the ACS URL the response arrived at, which is the one we asked for.</summary>
    private static string? CheckDestination(ResponseContext c)
    {
        var destination = c.Response.GetAttributeNode("Destination")?.Value;
        return destination == c.AcsUrl.AbsoluteUri && destination == c.Request!.AcsUrl ? null : SamlReason.DestinationMismatch;
    }

    private string? CheckIssueInstant(ResponseContext c)
    {
        foreach (var element in (XmlElement[])[c.Response, c.Assertion!])
        {
            if (!SamlTime.IsRecent(element.GetAttribute("IssueInstant"), c.Now, settings.MaxMessageAge, settings.ClockSkew))
            {
                return SamlReason.IssueInstantStale;
            }
        }
        return null;
    }

    private string? CheckConditionsTime(ResponseContext c)
    {
        var conditions = c.Assertion!.OnlyChild(SamlNames.Assertion, "Conditions");
        if (conditions is null)
        {
            return SamlReason.ConditionsMissing;
        }
        c.Conditions = conditions;
        if (!SamlTime.HasBegun(conditions.GetAttributeNode("NotBefore"), c.Now, settings.ClockSkew))
        {
            return SamlReason.NotYetValid;
        }
        if (SamlTime.ValidUntil(conditions.GetAttribute("NotOnOrAfter"), c.Now, settings.ClockSkew) is not { } keepUntil)
        {
            return SamlReason.Expired;
        }
        c.KeepUntil = keepUntil;
        return null;
    }

    /// <summary>Every AudienceRestriction must name us (they are AND-ed), and there must be at least one.</summary>
    private string? CheckAudience(ResponseContext c)
    {
        var restrictions = c.Conditions!.Children(SamlNames.Assertion, "AudienceRestriction");
        if (restrictions.Count == 0)
        {
            return SamlReason.AudienceMismatch;
        }
        foreach (var restriction in restrictions)
        {
            if (!restriction.Children(SamlNames.Assertion, "Audience").Any(a => a.ReadToken() == settings.SpEntityId))
            {
                return SamlReason.AudienceMismatch;
            }
        }
        return null;
    }

    /// <summary>A bearer confirmation for our ACS URL and our request, still in time.</summary>
    private string? CheckSubjectConfirmation(ResponseContext c)
    {
        c.Subject = c.Assertion!.OnlyChild(SamlNames.Assertion, "Subject");
        var bearers = c.Subject?.Children(SamlNames.Assertion, "SubjectConfirmation")
            .Where(s => s.GetAttribute("Method") == SamlNames.ConfirmationBearer)
            .ToList() ?? [];
        if (bearers.Count == 0)
        {
            return SamlReason.SubjectConfirmationMissing;
        }
        string? firstReason = null;
        foreach (var bearer in bearers)
        {
            var reason = CheckBearer(c, bearer);
            if (reason is null)
            {
                return null;
            }
            firstReason ??= reason;
        }
        return firstReason;
    }

    private string? CheckBearer(ResponseContext c, XmlElement bearer)
    {
        var data = bearer.OnlyChild(SamlNames.Assertion, "SubjectConfirmationData");
        if (data is null)
        {
            return SamlReason.SubjectConfirmationMissing;
        }
        if (data.GetAttribute("Recipient") != c.AcsUrl.AbsoluteUri)
        {
            return SamlReason.RecipientMismatch;
        }
        if (data.GetAttribute("InResponseTo") != c.Request!.Id || c.Response.GetAttribute("InResponseTo") != c.Request.Id)
        {
            return SamlReason.InResponseToMismatch;
        }
        if (SamlTime.ValidUntil(data.GetAttribute("NotOnOrAfter"), c.Now, settings.ClockSkew) is not { } keepUntil
            || !SamlTime.HasBegun(data.GetAttributeNode("NotBefore"), c.Now, settings.ClockSkew))
        {
            return SamlReason.SubjectConfirmationExpired;
        }
        if (keepUntil > c.KeepUntil)
        {
            c.KeepUntil = keepUntil;
        }
        return null;
    }

    /// <summary>One AuthnStatement whose class meets what we asked for, and fresh when we forced authentication.</summary>
    private string? CheckAuthnStatement(ResponseContext c)
    {
        var statement = c.Assertion!.OnlyChild(SamlNames.Assertion, "AuthnStatement");
        var authnInstant = SamlTime.Parse(statement?.GetAttribute("AuthnInstant") ?? "");
        if (statement is null || authnInstant is null)
        {
            return SamlReason.AuthnStatementMissing;
        }
        c.AuthnInstant = authnInstant.Value;
        c.SessionIndex = statement.GetAttributeNode("SessionIndex")?.Value;
        c.ClassRef = statement.OnlyChild(SamlNames.Assertion, "AuthnContext")?.OnlyChild(SamlNames.Assertion, "AuthnContextClassRef")?.ReadToken();

        var requested = c.Request!.RequestedAuthnContext.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (requested.Length > 0)
        {
            var met = c.ClassRef is not null && (c.Request.Comparison == "minimum"
                ? SamlNames.AuthnContextRank(c.ClassRef) >= requested.Min(SamlNames.AuthnContextRank) && SamlNames.AuthnContextRank(c.ClassRef) > 0
                : requested.Contains(c.ClassRef, StringComparer.Ordinal));
            if (!met)
            {
                return SamlReason.AuthnContextNotMet;
            }
        }
        if (authnInstant > c.Now + settings.ClockSkew)
        {
            return SamlReason.AuthnInstantStale;
        }
        if (c.Request.ForceAuthn && authnInstant < DateTimeOffset.FromUnixTimeMilliseconds(c.Request.IssuedAtUnixMs) - settings.ClockSkew)
        {
            return SamlReason.AuthnInstantStale;
        }
        return null;
    }

    /// <summary>Exactly one NameID, plain text (<see cref="SamlXPath.ReadValue"/>), not empty.</summary>
    private static string? CheckNameId(ResponseContext c)
    {
        var nameId = c.Subject!.OnlyChild(SamlNames.Assertion, "NameID");
        var value = nameId?.ReadToken();
        if (nameId is null || string.IsNullOrEmpty(value))
        {
            return SamlReason.NameIdMissing;
        }
        c.NameId = value;
        c.NameIdFormat = nameId.GetAttributeNode("Format")?.Value;
        return null;
    }

    /// <summary>Every attribute value read in full, as signed; a value with markup refuses the response.</summary>
    private static string? ReadAttributes(ResponseContext c)
    {
        foreach (var statement in c.Assertion!.Children(SamlNames.Assertion, "AttributeStatement"))
        {
            foreach (var attribute in statement.Children(SamlNames.Assertion, "Attribute"))
            {
                var values = attribute.Children(SamlNames.Assertion, "AttributeValue").Select(v => v.ReadValue()).ToList();
                var name = attribute.GetAttribute("Name");
                c.Attributes[name] = c.Attributes.TryGetValue(name, out var existing) ? [.. existing, .. values] : values;
            }
        }
        return null;
    }

    private async ValueTask<string?> CheckReplayAsync(ResponseContext c, CancellationToken cancellationToken)
    {
        c.AssertionId = c.Assertion!.GetAttribute("ID");
        return await replayCache.TryAddAsync(c.Upstream!.EntityId, c.AssertionId, c.KeepUntil, cancellationToken)
            ? null
            : SamlReason.Replay;
    }

    private async ValueTask<string?> ConsumeRequestAsync(ResponseContext c, CancellationToken cancellationToken) =>
        await requests.TryConsumeAsync(c.Request!.Id, cancellationToken) ? null : SamlReason.InResponseToUnknown;

    private sealed class ResponseContext(string encoded, Uri acsUrl, DateTimeOffset now, Func<string, string?> presentedBinding)
    {
        public Func<string, string?> PresentedBinding { get; } = presentedBinding;
        public string Encoded { get; } = encoded;
        public Uri AcsUrl { get; } = acsUrl;
        public DateTimeOffset Now { get; } = now;
        public string? Xml { get; set; }
        public XmlDocument? Document { get; set; }
        public XmlElement Response { get; set; } = null!;
        public string? ResponseId { get; set; }
        public XmlElement? AssertionOrEncrypted { get; set; }
        public XmlElement? Assertion { get; set; }
        public string? AssertionId { get; set; }
        public bool ResponseSigned { get; set; }
        public SamlSentRequest? Request { get; set; }
        public UpstreamIdp? Upstream { get; set; }
        public XmlElement? Conditions { get; set; }
        public XmlElement? Subject { get; set; }
        public DateTimeOffset KeepUntil { get; set; }
        public DateTimeOffset AuthnInstant { get; set; }
        public string? SessionIndex { get; set; }
        public string? ClassRef { get; set; }
        public string? NameId { get; set; }
        public string? NameIdFormat { get; set; }
        public Dictionary<string, IReadOnlyList<string>> Attributes { get; } = new(StringComparer.Ordinal);

        public SamlAssertionIdentity ToIdentity() =>
            new(Upstream!.Name, Upstream.EntityId, NameId!, NameIdFormat, SessionIndex, ClassRef, AuthnInstant, Attributes, Request!.ReturnUrl, Upstream.Scopes, Request.Id);
    }
}
