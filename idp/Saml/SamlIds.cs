using System.Security.Cryptography;
using System.Xml;

namespace Federation.Idp.Saml;

/// <summary>
/// The ID rules of every signed SAML document we read: signatures reference elements by ID, and
/// <c>SignedXml</c> resolves <c>ID</c>, <c>Id</c> and <c>id</c>, so a second element with the same
/// value under any of those names is how a signature is made to cover something else (XSW).
/// </summary>
public static class SamlIds
{
    private static readonly string[] AttributeNames = ["ID", "Id", "id"];

    /// <summary>A fresh xs:ID: starts with an underscore, 128 random bits.</summary>
    public static string New() => "_" + RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>How often each ID value occurs in the document, under any of the names.</summary>
    public static Dictionary<string, int> Count(XmlDocument document)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var element in document.SelectNodes("//*")!.Cast<XmlElement>())
        {
            foreach (var name in AttributeNames)
            {
                if (element.GetAttributeNode(name)?.Value is { } value)
                {
                    counts[value] = counts.GetValueOrDefault(value) + 1;
                }
            }
        }
        return counts;
    }

    /// <summary>True when any two elements share an ID value.</summary>
    public static bool HasDuplicates(XmlDocument document) => Count(document).Values.Any(n => n > 1);
}
