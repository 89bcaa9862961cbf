using System.Text.RegularExpressions;
using System.Xml;

namespace Federation.Idp.Saml;

/// <summary>
/// The only way this library turns text into an <see cref="XmlDocument"/>: no DTDs, no resolver,
/// a size limit and whitespace preserved (signatures are computed over it).
/// </summary>
public static partial class SecureXml
{
    /// <summary>Parses <paramref name="xml"/>; throws <see cref="SamlRefusedException"/> with the reason.</summary>
    public static XmlDocument Load(string xml, long maxCharacters)
    {
        if (xml.Length > maxCharacters)
        {
            throw new SamlRefusedException(SamlReason.Oversized, $"{xml.Length} characters");
        }

        var settings = Settings(maxCharacters, ConformanceLevel.Document);
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        try
        {
            using var stringReader = new StringReader(xml);
            using var reader = XmlReader.Create(stringReader, settings);
            document.Load(reader);
        }
        catch (XmlException e)
        {
            // DtdProcessing.Prohibit is what stops these; the classification only names the attack in the log.
            throw new SamlRefusedException(ClassifyDtd(xml) ?? SamlReason.MalformedXml, e.Message);
        }
        return document;
    }

    /// <summary>Parses an element fragment (e.g. a decrypted assertion) with the namespaces in scope at <paramref name="context"/>.</summary>
    public static XmlElement LoadFragment(string xml, XmlElement context, long maxCharacters)
    {
        if (xml.Length > maxCharacters)
        {
            throw new SamlRefusedException(SamlReason.Oversized);
        }
        var namespaces = new XmlNamespaceManager(context.OwnerDocument.NameTable);
        var navigator = context.CreateNavigator()!;
        foreach (var (prefix, uri) in navigator.GetNamespacesInScope(XmlNamespaceScope.ExcludeXml))
        {
            namespaces.AddNamespace(prefix, uri);
        }
        var parserContext = new XmlParserContext(context.OwnerDocument.NameTable, namespaces, null, XmlSpace.Preserve);
        try
        {
            using var stringReader = new StringReader(xml);
            using var reader = XmlReader.Create(stringReader, Settings(maxCharacters, ConformanceLevel.Fragment), parserContext);
            reader.MoveToContent();
            if (reader.NodeType != XmlNodeType.Element)
            {
                throw new SamlRefusedException(SamlReason.MalformedXml, "no element in decrypted content");
            }
            var element = (XmlElement)context.OwnerDocument.ReadNode(reader)!;
            reader.MoveToContent();
            if (!reader.EOF && reader.NodeType != XmlNodeType.None)
            {
                throw new SamlRefusedException(SamlReason.AssertionCount, "more than one element in decrypted content");
            }
            return element;
        }
        catch (XmlException e)
        {
            throw new SamlRefusedException(ClassifyDtd(xml) ?? SamlReason.MalformedXml, e.Message);
        }
    }

    private static XmlReaderSettings Settings(long maxCharacters, ConformanceLevel level) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxCharacters,
        MaxCharactersFromEntities = 1024,
        IgnoreWhitespace = false,
        IgnoreComments = false,
        IgnoreProcessingInstructions = false,
        ConformanceLevel = level,
    };

    /// <summary>Names the kind of DTD attack, or null when there is no DOCTYPE at all.</summary>
    internal static string? ClassifyDtd(string xml)
    {
        if (!xml.Contains("<!DOCTYPE", StringComparison.Ordinal))
        {
            return null;
        }
        if (ExternalEntityPattern().IsMatch(xml))
        {
            return SamlReason.ExternalEntity;
        }
        if (NestedEntityPattern().IsMatch(xml))
        {
            return SamlReason.EntityExpansion;
        }
        return SamlReason.DtdProhibited;
    }

    [GeneratedRegex(@"<!ENTITY\s+(%\s+)?[^\s>]+\s+(SYSTEM|PUBLIC)\b")]
    private static partial Regex ExternalEntityPattern();

    [GeneratedRegex(@"<!ENTITY\s+(%\s+)?[^\s>]+\s+(""[^""]*&[^;""]+;[^""]*""|'[^']*&[^;']+;[^']*')")]
    private static partial Regex NestedEntityPattern();
}
