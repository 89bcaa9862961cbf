using Federation.Core.Access;
namespace Federation.Idp.Saml;

/// <summary>Namespaces and URIs of SAML 2.0, XML-DSig and XML-Enc that this library speaks.</summary>
public static class SamlNames
{
    public const string Protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
    public const string Assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
    public const string Metadata = "urn:oasis:names:tc:SAML:2.0:metadata";
    public const string DSig = "http://www.w3.org/2000/09/xmldsig#";
    public const string XmlEnc = "http://www.w3.org/2001/04/xmlenc#";
    public const string XmlEnc11 = "http://www.w3.org/2009/xmlenc11#";
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public const string ShibMetadata = "urn:mace:shibboleth:metadata:1.0";
    public const string Xs = "http://www.w3.org/2001/XMLSchema";

    public const string BindingRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    public const string BindingPost = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

    public const string StatusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success";
    public const string StatusRequester = "urn:oasis:names:tc:SAML:2.0:status:Requester";
    public const string StatusResponder = "urn:oasis:names:tc:SAML:2.0:status:Responder";
    public const string StatusNoPassive = "urn:oasis:names:tc:SAML:2.0:status:NoPassive";
    public const string StatusRequestDenied = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied";
    public const string StatusInvalidNameIdPolicy = "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy";
    public const string StatusNoAuthnContext = "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext";

    public const string NameIdPersistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    public const string NameIdTransient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
    public const string NameIdEmail = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    public const string NameIdUnspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    public const string NameIdEntity = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";

    public const string AttributeNameFormatUri = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
    public const string ConfirmationBearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

    // The Swedish e-ID class references come from the one assurance scale in the core.
    public static readonly string Loa2 = AssuranceLevel.Loa2.Uri;
    public static readonly string Loa3 = AssuranceLevel.Loa3.Uri;
    public const string PasswordProtectedTransport = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";

    // Algorithms we accept and produce.
    public const string RsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public const string RsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    public const string RsaSha512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
    public const string RsaSha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    public const string Sha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    public const string Sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    public const string Sha512 = "http://www.w3.org/2001/04/xmlenc#sha512";
    public const string Sha1 = "http://www.w3.org/2000/09/xmldsig#sha1";
    public const string ExcC14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
    public const string Enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

    public const string Aes128Cbc = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
    public const string Aes192Cbc = "http://www.w3.org/2001/04/xmlenc#aes192-cbc";
    public const string Aes256Cbc = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
    public const string Aes128Gcm = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
    public const string Aes192Gcm = "http://www.w3.org/2009/xmlenc11#aes192-gcm";
    public const string Aes256Gcm = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
    public const string RsaOaepMgf1p = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
    public const string RsaOaep = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
    public const string Rsa15 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";
    public const string Mgf1Sha1 = "http://www.w3.org/2009/xmlenc11#mgf1sha1";
    public const string Mgf1Sha256 = "http://www.w3.org/2009/xmlenc11#mgf1sha256";

    /// <summary>The federation's level (<c>loa2</c>, …) as an AuthnContextClassRef; the ordering is the core's <see cref="AssuranceLevel"/>.</summary>
    public static string? AuthnContextFor(string assuranceLevel) => AssuranceLevel.Parse(assuranceLevel)?.Uri;

    /// <summary>Rank of an AuthnContextClassRef, for "minimum" comparisons; 0 when unknown.</summary>
    public static int AuthnContextRank(string classRef) =>
        classRef == PasswordProtectedTransport ? AssuranceLevel.Loa1.Rank : AssuranceLevel.Parse(classRef)?.Rank ?? 0;
}
