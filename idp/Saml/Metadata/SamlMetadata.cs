using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Federation.Idp.Saml.Metadata;

/// <summary>Values read from a role descriptor the same way for upstream IdPs and aggregate SPs.</summary>
public static class SamlMetadata
{
    /// <summary>Certificates of the descriptor's signing keys (<c>use</c> absent or <c>signing</c>).</summary>
    public static List<X509Certificate2> SigningCertificates(XmlElement descriptor)
    {
        var namespaces = SamlXPath.Namespaces(descriptor.OwnerDocument);
        return descriptor.SelectNodes("md:KeyDescriptor[not(@use) or @use='signing']/ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces)!
            .Cast<XmlElement>()
            .Select(e => X509CertificateLoader.LoadCertificate(Convert.FromBase64String(e.ReadToken())))
            .ToList();
    }

    /// <summary>
    /// The scopes (<c>shibmd:Scope</c>) the entity or its IdP role declares: literal DNS domains,
    /// lower-cased. Regular-expression scopes are not taken (a pattern cannot be checked for what it
    /// lets through); such an upstream's scopes go in configuration instead.
    /// </summary>
    public static List<string> Scopes(XmlElement entity, XmlElement descriptor)
    {
        var namespaces = SamlXPath.Namespaces(entity.OwnerDocument);
        return entity.SelectNodes("md:Extensions/shibmd:Scope", namespaces)!.Cast<XmlElement>()
            .Concat(descriptor.SelectNodes("md:Extensions/shibmd:Scope", namespaces)!.Cast<XmlElement>())
            .Where(e => e.GetAttribute("regexp") is not ("true" or "1"))
            .Select(e => e.ReadToken().ToLowerInvariant())
            .Where(s => s.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
