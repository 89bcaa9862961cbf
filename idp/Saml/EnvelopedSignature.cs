using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace Federation.Idp.Saml;

/// <summary>
/// Enveloped XML signatures as SAML uses them: one signature, child of the signed element,
/// one reference to that element's ID, exclusive c14n, RSA with SHA-256 or better.
/// </summary>
public static class EnvelopedSignature
{
    private static readonly HashSet<string> AllowedSignatureMethods =
        [SamlNames.RsaSha256, SamlNames.RsaSha384, SamlNames.RsaSha512];

    private static readonly HashSet<string> AllowedDigestMethods =
        [SamlNames.Sha256, SamlNames.Sha384, SamlNames.Sha512];

    private static readonly HashSet<string> AllowedTransforms = [SamlNames.Enveloped, SamlNames.ExcC14N];

    /// <summary>Minimum RSA modulus we accept or produce.</summary>
    public const int MinimumRsaBits = 2048;

    /// <summary>The ds:Signature children of <paramref name="element"/>.</summary>
    public static List<XmlElement> SignaturesOf(XmlElement element) =>
        element.ChildNodes.OfType<XmlElement>()
            .Where(e => e.LocalName == "Signature" && e.NamespaceURI == SamlNames.DSig)
            .ToList();

    /// <summary>
    /// Verifies the enveloped signature of <paramref name="element"/> with the configured
    /// certificates only (KeyInfo is never read). Returns null when valid, else a <see cref="SamlReason"/>.
    /// The caller must already have refused documents with duplicate IDs.
    /// </summary>
    public static string? Verify(XmlElement element, IReadOnlyList<X509Certificate2> trusted, bool allowEmptyUriOnRoot = false)
    {
        var signatures = SignaturesOf(element);
        if (signatures.Count == 0)
        {
            return SamlReason.NoSignature;
        }
        if (signatures.Count > 1)
        {
            return SamlReason.SignatureMisplaced;
        }

        var signedXml = new SignedXml(element);
        try
        {
            signedXml.LoadXml(signatures[0]);
        }
        catch (CryptographicException)
        {
            return SamlReason.SignatureInvalid;
        }

        if (signedXml.SignedInfo!.References.Count != 1)
        {
            return SamlReason.SignatureReferenceCount;
        }
        var reference = (Reference)signedXml.SignedInfo.References[0]!;
        var id = element.GetAttribute("ID");
        var isWholeDocument = allowEmptyUriOnRoot && reference.Uri == "" && element == element.OwnerDocument.DocumentElement;
        if (!isWholeDocument && (id.Length == 0 || reference.Uri != "#" + id))
        {
            return SamlReason.SignatureReferenceMismatch;
        }

        if (signedXml.SignedInfo.CanonicalizationMethod != SamlNames.ExcC14N)
        {
            return SamlReason.SignatureTransform;
        }
        var chain = reference.TransformChain;
        var transforms = Enumerable.Range(0, chain.Count).Select(i => chain[i].Algorithm).ToList();
        if (transforms.Any(t => t is null || !AllowedTransforms.Contains(t)) || !transforms.Contains(SamlNames.Enveloped))
        {
            return SamlReason.SignatureTransform;
        }
        if (!AllowedSignatureMethods.Contains(signedXml.SignatureMethod ?? "") || !AllowedDigestMethods.Contains(reference.DigestMethod ?? ""))
        {
            return SamlReason.WeakAlgorithm;
        }

        return VerifyWithTrustedKeys(trusted, signedXml.CheckSignature, SamlReason.SignatureInvalid);
    }

    /// <summary>
    /// The key rule of every signature we check (enveloped, or a Redirect binding's query string):
    /// only the configured certificates' RSA keys of at least <see cref="MinimumRsaBits"/> are tried.
    /// Null when one verifies; <see cref="SamlReason.WeakKey"/> when the only keys there were are too weak;
    /// else <paramref name="invalidReason"/>.
    /// </summary>
    internal static string? VerifyWithTrustedKeys(IReadOnlyList<X509Certificate2> trusted, Func<RSA, bool> verifies, string invalidReason)
    {
        var weakKeySeen = false;
        foreach (var certificate in trusted)
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is null)
            {
                continue;
            }
            if (rsa.KeySize < MinimumRsaBits)
            {
                weakKeySeen = true;
                continue;
            }
            try
            {
                if (verifies(rsa))
                {
                    return null;
                }
            }
            catch (CryptographicException)
            {
                return invalidReason;
            }
        }
        return weakKeySeen ? SamlReason.WeakKey : invalidReason;
    }

    /// <summary>
    /// Signs <paramref name="element"/> (which must carry an <c>ID</c>) and inserts the signature
    /// after its Issuer, as the SAML schema orders it. Algorithms are parameters only so that tests
    /// can forge weak signatures; production code uses the defaults.
    /// </summary>
    public static void Sign(
        XmlElement element,
        X509Certificate2 certificate,
        string signatureMethod = SamlNames.RsaSha256,
        string digestMethod = SamlNames.Sha256,
        bool includeKeyInfo = true)
    {
        using var key = certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The signing certificate has no RSA private key.");
        Sign(element, key, includeKeyInfo ? certificate : null, signatureMethod, digestMethod);
    }

    /// <inheritdoc cref="Sign(XmlElement, X509Certificate2, string, string, bool)"/>
    public static void Sign(XmlElement element, RSA key, X509Certificate2? keyInfoCertificate, string signatureMethod = SamlNames.RsaSha256, string digestMethod = SamlNames.Sha256)
    {
        var id = element.GetAttribute("ID");
        if (id.Length == 0)
        {
            throw new InvalidOperationException("Only elements with an ID can be signed.");
        }
        var signedXml = new SignedXml(element) { SigningKey = key };
        signedXml.SignedInfo!.CanonicalizationMethod = SamlNames.ExcC14N;
        signedXml.SignedInfo.SignatureMethod = signatureMethod;
        var reference = new Reference("#" + id) { DigestMethod = digestMethod };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signedXml.AddReference(reference);
        if (keyInfoCertificate is not null)
        {
            var keyInfo = new KeyInfo();
            keyInfo.AddClause(new KeyInfoX509Data(keyInfoCertificate));
            signedXml.KeyInfo = keyInfo;
        }
        signedXml.ComputeSignature();
        var signature = element.OwnerDocument.ImportNode(signedXml.GetXml(), true);
        var issuer = element.ChildNodes.OfType<XmlElement>()
            .FirstOrDefault(e => e.LocalName == "Issuer" && e.NamespaceURI == SamlNames.Assertion);
        if (issuer is null)
        {
            element.PrependChild(signature);
        }
        else
        {
            element.InsertAfter(signature, issuer);
        }
    }
}
