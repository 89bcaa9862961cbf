using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Federation.Idp.Saml.Idp;

/// <summary>Our metadata: the IdP role (for downstream SPs) and the SP role (for upstream IdPs).</summary>
public static class SamlMetadataWriter
{
    public static string Idp(string entityId, Uri ssoUrl, X509Certificate2 signing)
    {
        var (document, entity) = Entity(entityId);
        var idp = Md(document, "IDPSSODescriptor");
        idp.SetAttribute("protocolSupportEnumeration", SamlNames.Protocol);
        idp.SetAttribute("WantAuthnRequestsSigned", "false");
        idp.AppendChild(KeyDescriptor(document, "signing", signing));
        foreach (var format in (string[])[SamlNames.NameIdPersistent, SamlNames.NameIdTransient, SamlNames.NameIdEmail])
        {
            idp.AppendChild(Md(document, "NameIDFormat", format));
        }
        foreach (var binding in (string[])[SamlNames.BindingRedirect, SamlNames.BindingPost])
        {
            var sso = Md(document, "SingleSignOnService");
            sso.SetAttribute("Binding", binding);
            sso.SetAttribute("Location", ssoUrl.AbsoluteUri);
            idp.AppendChild(sso);
        }
        entity.AppendChild(idp);
        return document.OuterXml;
    }

    public static string Sp(string entityId, Uri acsUrl, X509Certificate2 signing, X509Certificate2 encryption)
    {
        var (document, entity) = Entity(entityId);
        var sp = Md(document, "SPSSODescriptor");
        sp.SetAttribute("protocolSupportEnumeration", SamlNames.Protocol);
        sp.SetAttribute("AuthnRequestsSigned", "true");
        sp.SetAttribute("WantAssertionsSigned", "true");
        sp.AppendChild(KeyDescriptor(document, "signing", signing));
        var encryptionKey = KeyDescriptor(document, "encryption", encryption);
        foreach (var algorithm in (string[])[SamlNames.Aes256Gcm, SamlNames.Aes128Gcm, SamlNames.Aes256Cbc, SamlNames.Aes128Cbc, SamlNames.RsaOaepMgf1p])
        {
            var method = Md(document, "EncryptionMethod");
            method.SetAttribute("Algorithm", algorithm);
            encryptionKey.AppendChild(method);
        }
        sp.AppendChild(encryptionKey);
        var acs = Md(document, "AssertionConsumerService");
        acs.SetAttribute("Binding", SamlNames.BindingPost);
        acs.SetAttribute("Location", acsUrl.AbsoluteUri);
        acs.SetAttribute("index", "0");
        acs.SetAttribute("isDefault", "true");
        sp.AppendChild(acs);
        entity.AppendChild(sp);
        return document.OuterXml;
    }

    private static (XmlDocument, XmlElement) Entity(string entityId)
    {
        var document = new XmlDocument { XmlResolver = null };
        var entity = Md(document, "EntityDescriptor");
        entity.SetAttribute("xmlns:ds", SamlNames.DSig);
        entity.SetAttribute("entityID", entityId);
        document.AppendChild(entity);
        return (document, entity);
    }

    private static XmlElement Md(XmlDocument document, string name, string? text = null)
    {
        var element = document.CreateElement("md", name, SamlNames.Metadata);
        if (text is not null)
        {
            element.AppendChild(document.CreateTextNode(text));
        }
        return element;
    }

    private static XmlElement KeyDescriptor(XmlDocument document, string use, X509Certificate2 certificate)
    {
        var descriptor = Md(document, "KeyDescriptor");
        descriptor.SetAttribute("use", use);
        var keyInfo = document.CreateElement("ds", "KeyInfo", SamlNames.DSig);
        var data = document.CreateElement("ds", "X509Data", SamlNames.DSig);
        var cert = document.CreateElement("ds", "X509Certificate", SamlNames.DSig);
        cert.AppendChild(document.CreateTextNode(Convert.ToBase64String(certificate.RawData)));
        data.AppendChild(cert);
        keyInfo.AppendChild(data);
        descriptor.AppendChild(keyInfo);
        return descriptor;
    }
}
