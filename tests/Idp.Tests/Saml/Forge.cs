using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Federation.Idp.Saml;

namespace Federation.Idp.Tests.Saml;

/// <summary>Builds responses as an upstream IdP would, and the tampered ones an attacker would.</summary>
public static class Forge
{
    public static XmlDocument Response(
        AssertionContent content,
        bool signAssertion = true,
        bool signResponse = false,
        X509Certificate2? key = null,
        string signatureMethod = SamlNames.RsaSha256,
        string digestMethod = SamlNames.Sha256,
        bool keyInfo = true,
        Action<XmlDocument>? beforeSigning = null)
    {
        var document = SamlMessageWriter.Response(content);
        beforeSigning?.Invoke(document);
        key ??= TestKeys.Upstream;
        if (signAssertion)
        {
            EnvelopedSignature.Sign(Assertion(document), key, signatureMethod, digestMethod, keyInfo);
        }
        if (signResponse)
        {
            EnvelopedSignature.Sign(document.DocumentElement!, key, signatureMethod, digestMethod, keyInfo);
        }
        return document;
    }

    public static XmlElement Assertion(XmlDocument document) =>
        document.DocumentElement!.OnlyChildOrThrow(SamlNames.Assertion, "Assertion");

    public static XmlElement First(XmlNode scope, string localName, string ns = SamlNames.Assertion) =>
        scope.SelectSingleNode($".//*[local-name()='{localName}' and namespace-uri()='{ns}']") as XmlElement
        ?? throw new InvalidOperationException($"no {localName}");

    public static XmlElement Signature(XmlElement owner) =>
        owner.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "Signature" && e.NamespaceURI == SamlNames.DSig);

    public static void SetNameId(XmlElement scope, string value) => First(scope, "NameID").InnerText = value;

    /// <summary>A deep copy with a new ID and another user's NameID: the attacker's assertion.</summary>
    public static XmlElement EvilCopy(XmlElement element, bool newId, bool keepSignature)
    {
        var copy = (XmlElement)element.CloneNode(true);
        if (newId)
        {
            copy.SetAttribute("ID", SamlMessageWriter.NewId());
        }
        if (!keepSignature)
        {
            foreach (var signature in EnvelopedSignature.SignaturesOf(copy))
            {
                copy.RemoveChild(signature);
            }
        }
        foreach (var nameId in copy.SelectNodes($".//*[local-name()='NameID']")!.Cast<XmlElement>())
        {
            nameId.InnerText = "ulf.admin@skola.example.se";
        }
        return copy;
    }

    private static XmlElement OnlyChildOrThrow(this XmlElement parent, string ns, string localName) =>
        parent.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == localName && e.NamespaceURI == ns);
}
