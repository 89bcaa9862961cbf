using System.Xml;

namespace Federation.Idp.Saml;

/// <summary>
/// How this library finds elements and reads their values. Every value taken from a SAML message
/// or metadata document goes through <see cref="ReadValue"/>, so what is read is what a signature
/// over the element covers.
/// </summary>
internal static class SamlXPath
{
    public static XmlNamespaceManager Namespaces(XmlDocument document)
    {
        var namespaces = new XmlNamespaceManager(document.NameTable);
        namespaces.AddNamespace("samlp", SamlNames.Protocol);
        namespaces.AddNamespace("saml", SamlNames.Assertion);
        namespaces.AddNamespace("md", SamlNames.Metadata);
        namespaces.AddNamespace("ds", SamlNames.DSig);
        namespaces.AddNamespace("xenc", SamlNames.XmlEnc);
        namespaces.AddNamespace("shibmd", SamlNames.ShibMetadata);
        return namespaces;
    }

    /// <summary>Child elements of <paramref name="parent"/> with this name, in document order.</summary>
    public static List<XmlElement> Children(this XmlElement parent, string ns, string localName) =>
        parent.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == localName && e.NamespaceURI == ns).ToList();

    /// <summary>The single child with this name, or null when there is none or more than one.</summary>
    public static XmlElement? OnlyChild(this XmlElement parent, string ns, string localName)
    {
        var children = parent.Children(ns, localName);
        return children.Count == 1 ? children[0] : null;
    }

    /// <summary>
    /// The text value of an element in a value position (NameID, Issuer, Audience, an attribute
    /// value, a certificate …): every text and CDATA child concatenated, in order. Exclusive c14n
    /// turns CDATA into text, so a value split into text and CDATA nodes is signed as one string;
    /// reading only a first node (what XPath's text() hands back) would read less than was signed.
    /// Anything else in a value position is refused: comments (c14n drops them, so they can be
    /// added to signed text), processing instructions, child elements (an <c>xsi:type</c> with
    /// markup) and unexpanded entity references.
    /// </summary>
    /// <exception cref="SamlRefusedException"><see cref="SamlReason.CommentInValue"/> or <see cref="SamlReason.ValueNotText"/>.</exception>
    public static string ReadValue(this XmlElement element)
    {
        var nodes = element.ChildNodes;
        if (nodes.Count == 1 && nodes[0] is XmlText only)
        {
            return only.Value ?? "";
        }
        var value = new System.Text.StringBuilder();
        foreach (XmlNode node in nodes)
        {
            switch (node.NodeType)
            {
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    value.Append(node.Value);
                    break;
                case XmlNodeType.Comment:
                    throw new SamlRefusedException(SamlReason.CommentInValue, element.LocalName);
                default:
                    throw new SamlRefusedException(SamlReason.ValueNotText, $"{node.NodeType} in {element.LocalName}");
            }
        }
        return value.ToString();
    }

    /// <summary><see cref="ReadValue"/> without surrounding whitespace: URIs, identifiers, base64.</summary>
    public static string ReadToken(this XmlElement element) => element.ReadValue().Trim();
}
