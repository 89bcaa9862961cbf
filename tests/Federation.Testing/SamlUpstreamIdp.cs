using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using Federation.Core.Access;

namespace Federation.Testing;

/// <summary>
/// An upstream SAML IdP as a test plays it: a signing key of its own, its metadata for the idp's
/// <c>Saml:Upstreams:N:MetadataPath</c>, and signed Responses to the idp's AuthnRequests. Written
/// apart from the idp's own SAML writer, so the idp meets a peer it did not build.
/// </summary>
public sealed class SamlUpstreamIdp : IDisposable
{
    private const string Protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
    private const string Assertion = "urn:oasis:names:tc:SAML:2.0:assertion";

    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;

    public SamlUpstreamIdp(string entityId)
    {
        EntityId = entityId;
        var request = new CertificateRequest("CN=Test upstream SAML IdP", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public string EntityId { get; }

    /// <summary>The IdP's metadata: its signing certificate and a (never visited) SSO endpoint.</summary>
    public string Metadata() => $"""
        <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{EntityId}">
          <md:IDPSSODescriptor protocolSupportEnumeration="{Protocol}">
            <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String(_certificate.Export(X509ContentType.Cert))}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://upstream.example/sso"/>
          </md:IDPSSODescriptor>
        </md:EntityDescriptor>
        """;

    /// <summary>
    /// The base64 SAMLResponse a well-behaved IdP posts back for <paramref name="inResponseTo"/>:
    /// a successful Response with one assertion (signed, enveloped, exclusive c14n, RSA-SHA256) for
    /// <paramref name="nameId"/> at LoA 3.
    /// </summary>
    public string Response(string inResponseTo, Uri acs, string audience, string nameId, DateTimeOffset now)
    {
        string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var assertionId = "_" + Guid.NewGuid().ToString("N");
        var xml = $"""
            <samlp:Response xmlns:samlp="{Protocol}" xmlns:saml="{Assertion}" ID="_{Guid.NewGuid():N}" Version="2.0" IssueInstant="{Time(now)}" Destination="{acs.AbsoluteUri}" InResponseTo="{inResponseTo}"><saml:Issuer>{EntityId}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="{assertionId}" Version="2.0" IssueInstant="{Time(now)}"><saml:Issuer>{EntityId}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{nameId}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{Time(now.AddMinutes(5))}" Recipient="{acs.AbsoluteUri}" InResponseTo="{inResponseTo}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{Time(now.AddSeconds(-30))}" NotOnOrAfter="{Time(now.AddMinutes(5))}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{Time(now.AddSeconds(-30))}" SessionIndex="_{Guid.NewGuid():N}"><saml:AuthnContext><saml:AuthnContextClassRef>{AssuranceLevel.Loa3.Uri}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="urn:oid:1.3.6.1.4.1.5923.1.1.1.6" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue>{nameId}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>
            """;
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        document.LoadXml(xml);
        var assertion = (XmlElement)document.GetElementsByTagName("Assertion", Assertion)[0]!;
        var signedXml = new SignedXml(assertion) { SigningKey = _key };
        signedXml.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signedXml.SignedInfo.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
        var reference = new Reference("#" + assertionId) { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signedXml.AddReference(reference);
        signedXml.ComputeSignature();
        // The signature goes right after the assertion's Issuer, where the schema puts it.
        assertion.InsertAfter(document.ImportNode(signedXml.GetXml(), true), assertion.FirstChild);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(document.OuterXml));
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }
}
