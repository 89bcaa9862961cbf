using System.Xml;

namespace Federation.Idp.Saml;

/// <summary>Namespace prefixes for the few XPath queries of this library.</summary>
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

    /// <summary>All text of an element, every text node concatenated, so a comment cannot cut it short.</summary>
    public static string FullText(this XmlElement element) =>
        string.Concat(element.SelectNodes(".//text()")!.Cast<XmlNode>().Select(n => n.Value));
}
