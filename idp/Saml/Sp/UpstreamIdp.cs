using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Federation.Idp.Saml.Metadata;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml.Sp;

/// <summary>An upstream IdP as its metadata file and our configuration describe it.</summary>
public sealed record UpstreamIdp(
    string Name,
    string DisplayName,
    string EntityId,
    Uri SingleSignOnUrl,
    IReadOnlyList<X509Certificate2> SigningCertificates,
    IReadOnlyList<string> RequestedAuthnContext,
    string Comparison,
    bool ForceAuthn,
    IReadOnlyList<string> Scopes)
{
    /// <summary>Reads an IdP's metadata (an EntityDescriptor, or an EntitiesDescriptor with one IdP).</summary>
    public static UpstreamIdp FromMetadata(string metadataXml, UpstreamIdpOptions options)
    {
        var document = SecureXml.Load(metadataXml, 4 * 1024 * 1024);
        var namespaces = SamlXPath.Namespaces(document);
        var entity = document.SelectSingleNode("//md:EntityDescriptor[md:IDPSSODescriptor]", namespaces) as XmlElement
            ?? throw new InvalidOperationException($"Upstream '{options.Name}': no IDPSSODescriptor in metadata.");
        var idp = (XmlElement)entity.SelectSingleNode("md:IDPSSODescriptor", namespaces)!;
        var sso = idp.SelectSingleNode($"md:SingleSignOnService[@Binding='{SamlNames.BindingRedirect}']", namespaces) as XmlElement
            ?? throw new InvalidOperationException($"Upstream '{options.Name}': no HTTP-Redirect SingleSignOnService.");
        var certificates = SamlMetadata.SigningCertificates(idp);
        if (certificates.Count == 0)
        {
            throw new InvalidOperationException($"Upstream '{options.Name}': no signing certificate in metadata.");
        }
        foreach (var certificate in certificates)
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is null || rsa.KeySize < EnvelopedSignature.MinimumRsaBits)
            {
                throw new InvalidOperationException($"Upstream '{options.Name}': signing keys must be RSA of at least {EnvelopedSignature.MinimumRsaBits} bits.");
            }
        }
        return new UpstreamIdp(
            options.Name,
            options.DisplayName ?? options.Name,
            entity.GetAttribute("entityID"),
            new Uri(sso.GetAttribute("Location")),
            certificates,
            options.RequestedAuthnContext,
            options.Comparison,
            options.ForceAuthn,
            SamlMetadata.Scopes(entity, idp));
    }
}

/// <summary>The configured upstream IdPs, read once on start.</summary>
public sealed class UpstreamIdpCatalog
{
    private readonly Dictionary<string, UpstreamIdp> byName;

    public UpstreamIdpCatalog(IOptions<SamlOptions> options)
        : this(options.Value.Upstreams.Select(u => UpstreamIdp.FromMetadata(File.ReadAllText(u.MetadataPath), u)))
    {
    }

    public UpstreamIdpCatalog(IEnumerable<UpstreamIdp> upstreams) =>
        byName = upstreams.ToDictionary(u => u.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<UpstreamIdp> All => byName.Values;

    public UpstreamIdp? Find(string name) => byName.GetValueOrDefault(name);
}
