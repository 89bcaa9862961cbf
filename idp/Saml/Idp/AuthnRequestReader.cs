using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml.Idp;

/// <summary>A checked AuthnRequest from a registered SP.</summary>
public sealed record InboundAuthnRequest(
    string Id,
    RegisteredSp Sp,
    string AcsUrl,
    bool ForceAuthn,
    bool IsPassive,
    string? NameIdFormat,
    IReadOnlyList<string> RequestedAuthnContext,
    string Comparison,
    string? RelayState);

/// <summary>
/// Reads AuthnRequests from the HTTP-Redirect binding (DEFLATE, optional query-string signature)
/// and the HTTP-POST binding (optional enveloped signature). The issuer must be a registered SP,
/// the ACS URL one of its registered ones, and a signature, when present or required, must verify
/// against the SP's registered certificate.
/// </summary>
public sealed class AuthnRequestReader(IOptions<SamlOptions> options, ISamlServiceProviderRegistry registry, TimeProvider time)
{
    private readonly SamlOptions settings = options.Value;

    public Uri SsoUrl => settings.Endpoint(SamlEndpoints.SsoPath);

    /// <summary>Reads the raw query string of a GET to the SSO endpoint.</summary>
    public InboundAuthnRequest ReadRedirect(string rawQuery)
    {
        var encoded = RedirectBinding.QueryValue(rawQuery, "SAMLRequest")?.Replace(' ', '+')
            ?? throw new SamlRefusedException(SamlReason.NotAnAuthnRequest, "no SAMLRequest");
        var relayState = RedirectBinding.QueryValue(rawQuery, "RelayState");
        var document = SecureXml.Load(RedirectBinding.Inflate(encoded, settings.MaxMessageSize), settings.MaxMessageSize);
        var request = Read(document, relayState);
        var signed = RedirectBinding.QueryValue(rawQuery, "Signature") is not null;
        if (signed)
        {
            var reason = RedirectBinding.VerifyQuerySignature(rawQuery, "SAMLRequest", request.Sp.Certificates);
            if (reason is not null)
            {
                throw new SamlRefusedException(reason);
            }
        }
        else if (settings.RequireSignedAuthnRequests || request.Sp.AuthnRequestsSigned)
        {
            throw new SamlRefusedException(SamlReason.RequestSignatureRequired);
        }
        return request;
    }

    /// <summary>Reads the form fields of a POST to the SSO endpoint.</summary>
    public InboundAuthnRequest ReadPost(string samlRequest, string? relayState)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(samlRequest);
        }
        catch (FormatException)
        {
            throw new SamlRefusedException(SamlReason.MalformedBase64);
        }
        if (bytes.Length > settings.MaxMessageSize)
        {
            throw new SamlRefusedException(SamlReason.Oversized);
        }
        string xml;
        try
        {
            xml = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new SamlRefusedException(SamlReason.MalformedXml);
        }
        var document = SecureXml.Load(xml, settings.MaxMessageSize);
        var request = Read(document, relayState);
        var root = document.DocumentElement!;
        if (EnvelopedSignature.SignaturesOf(root).Count > 0)
        {
            if (SamlIds.HasDuplicates(document))
            {
                throw new SamlRefusedException(SamlReason.DuplicateId);
            }
            var reason = EnvelopedSignature.Verify(root, request.Sp.Certificates);
            if (reason is not null)
            {
                throw new SamlRefusedException(reason == SamlReason.SignatureInvalid ? SamlReason.RequestSignatureInvalid : reason);
            }
        }
        else if (settings.RequireSignedAuthnRequests || request.Sp.AuthnRequestsSigned)
        {
            throw new SamlRefusedException(SamlReason.RequestSignatureRequired);
        }
        return request;
    }

    private InboundAuthnRequest Read(XmlDocument document, string? relayState)
    {
        var root = document.DocumentElement;
        if (root is null || root.LocalName != "AuthnRequest" || root.NamespaceURI != SamlNames.Protocol
            || root.GetAttribute("Version") != "2.0" || root.GetAttribute("ID").Length == 0)
        {
            throw new SamlRefusedException(SamlReason.NotAnAuthnRequest);
        }
        var now = time.GetUtcNow();
        if (!SamlTime.IsRecent(root.GetAttribute("IssueInstant"), now, settings.MaxMessageAge, settings.ClockSkew))
        {
            throw new SamlRefusedException(SamlReason.RequestExpired);
        }
        var issuer = root.OnlyChild(SamlNames.Assertion, "Issuer")?.ReadToken();
        var sp = (issuer is null ? null : registry.Find(issuer))
            ?? throw new SamlRefusedException(SamlReason.UnknownServiceProvider, issuer);

        if (root.GetAttributeNode("Destination") is { } destination && destination.Value != SsoUrl.AbsoluteUri)
        {
            throw new SamlRefusedException(SamlReason.DestinationMismatch, destination.Value);
        }
        if (root.GetAttributeNode("ProtocolBinding") is { } binding && binding.Value != SamlNames.BindingPost)
        {
            throw new SamlRefusedException(SamlReason.AcsUrlNotRegistered, "only the HTTP-POST binding is answered");
        }
        var acsUrl = root.GetAttributeNode("AssertionConsumerServiceURL")?.Value;
        if (acsUrl is not null && !sp.AcsUrls.Contains(acsUrl, StringComparer.Ordinal))
        {
            throw new SamlRefusedException(SamlReason.AcsUrlNotRegistered, acsUrl);
        }
        acsUrl ??= sp.AcsUrls[0];

        var format = root.OnlyChild(SamlNames.Protocol, "NameIDPolicy")?.GetAttributeNode("Format")?.Value;
        var requested = root.OnlyChild(SamlNames.Protocol, "RequestedAuthnContext");
        var classRefs = requested?.Children(SamlNames.Assertion, "AuthnContextClassRef").Select(e => e.ReadToken()).ToList() ?? [];
        var comparison = requested?.GetAttributeNode("Comparison")?.Value ?? "exact";

        return new InboundAuthnRequest(
            root.GetAttribute("ID"),
            sp,
            acsUrl,
            IsTrue(root.GetAttribute("ForceAuthn")),
            IsTrue(root.GetAttribute("IsPassive")),
            format,
            classRefs,
            comparison,
            relayState);
    }

    private static bool IsTrue(string value) => value is "true" or "1";
}
