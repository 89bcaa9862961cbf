using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml.Metadata;

/// <summary>An SP as a verified metadata aggregate describes it.</summary>
public sealed record AggregateSp(
    string EntityId,
    IReadOnlyList<string> AcsUrls,
    IReadOnlyList<X509Certificate2> SigningCertificates,
    bool AuthnRequestsSigned,
    IReadOnlyList<string> NameIdFormats);

/// <summary>The entities of an aggregate whose signature and validity were checked.</summary>
public sealed record VerifiedAggregate(DateTimeOffset ValidUntil, IReadOnlyDictionary<string, AggregateSp> ServiceProviders);

/// <summary>
/// A federation's signed metadata aggregate (as Skolfederation publishes one). Nothing in it is
/// trusted before its enveloped signature verifies against the pinned certificate, and nothing in
/// it is used after its <c>validUntil</c>.
/// </summary>
public static class MetadataAggregateReader
{
    public const int MaxCharacters = 64 * 1024 * 1024;

    /// <summary>Verifies and reads an aggregate; throws <see cref="SamlRefusedException"/> when it cannot be trusted.</summary>
    public static VerifiedAggregate Read(string xml, X509Certificate2 pinned, DateTimeOffset now)
    {
        var document = SecureXml.Load(xml, MaxCharacters);
        var root = document.DocumentElement!;
        if (root.NamespaceURI != SamlNames.Metadata || root.LocalName is not ("EntitiesDescriptor" or "EntityDescriptor"))
        {
            throw new SamlRefusedException(SamlReason.NotAResponse, "not SAML metadata");
        }
        if (SamlIds.HasDuplicates(document))
        {
            throw new SamlRefusedException(SamlReason.DuplicateId);
        }
        var reason = EnvelopedSignature.Verify(root, [pinned], allowEmptyUriOnRoot: true);
        if (reason is not null)
        {
            throw new SamlRefusedException(reason, "aggregate signature");
        }
        var validUntil = SamlTime.Parse(root.GetAttribute("validUntil"))
            ?? throw new SamlRefusedException(SamlReason.Expired, "aggregate has no validUntil");
        if (now >= validUntil)
        {
            throw new SamlRefusedException(SamlReason.Expired, $"aggregate expired at {validUntil:O}");
        }

        var namespaces = SamlXPath.Namespaces(document);
        var sps = new Dictionary<string, AggregateSp>(StringComparer.Ordinal);
        foreach (var entity in root.SelectNodes("descendant-or-self::md:EntityDescriptor[md:SPSSODescriptor]", namespaces)!.Cast<XmlElement>())
        {
            var descriptor = (XmlElement)entity.SelectSingleNode("md:SPSSODescriptor", namespaces)!;
            var entityValidUntil = SamlTime.Parse(entity.GetAttribute("validUntil"));
            if (entityValidUntil is not null && now >= entityValidUntil)
            {
                continue;
            }
            var acs = descriptor.SelectNodes($"md:AssertionConsumerService[@Binding='{SamlNames.BindingPost}']", namespaces)!
                .Cast<XmlElement>()
                .OrderBy(e => e.GetAttribute("isDefault") == "true" ? 0 : 1)
                .Select(e => e.GetAttribute("Location"))
                .ToList();
            var certificates = SamlMetadata.SigningCertificates(descriptor);
            var formats = descriptor.SelectNodes("md:NameIDFormat", namespaces)!.Cast<XmlElement>().Select(e => e.ReadToken()).ToList();
            if (acs.Count > 0)
            {
                sps[entity.GetAttribute("entityID")] = new AggregateSp(
                    entity.GetAttribute("entityID"), acs, certificates, descriptor.GetAttribute("AuthnRequestsSigned") == "true", formats);
            }
        }
        return new VerifiedAggregate(validUntil, sps);
    }
}

/// <summary>
/// Keeps the configured aggregate loaded: re-reads the file when it changes and stops using it
/// the moment its validUntil passes (until a newer file arrives).
/// </summary>
public sealed class MetadataAggregateSource(IOptions<SamlOptions> options, TimeProvider time, ILogger<MetadataAggregateSource> logger)
{
    private readonly Lock gate = new();
    private VerifiedAggregate? current;
    private DateTime loadedWriteTime;
    private X509Certificate2? pinned;

    /// <summary>The verified SPs, or an empty set when there is no valid aggregate.</summary>
    public IReadOnlyDictionary<string, AggregateSp> ServiceProviders
    {
        get
        {
            var aggregateOptions = options.Value.Aggregate;
            if (aggregateOptions is null)
            {
                return new Dictionary<string, AggregateSp>();
            }
            lock (gate)
            {
                var writeTime = File.GetLastWriteTimeUtc(aggregateOptions.Path);
                if (current is null || writeTime != loadedWriteTime)
                {
                    loadedWriteTime = writeTime;
                    current = TryLoad(aggregateOptions);
                }
                if (current is not null && time.GetUtcNow() >= current.ValidUntil)
                {
                    logger.LogWarning("SAML metadata aggregate expired at {ValidUntil}; its SPs are no longer trusted", current.ValidUntil);
                    current = null;
                }
                return current?.ServiceProviders ?? new Dictionary<string, AggregateSp>();
            }
        }
    }

    private VerifiedAggregate? TryLoad(MetadataAggregateOptions aggregateOptions)
    {
        try
        {
            pinned ??= LoadCertificate(aggregateOptions.PinnedCertificatePath);
            var aggregate = MetadataAggregateReader.Read(File.ReadAllText(aggregateOptions.Path), pinned, time.GetUtcNow());
            logger.LogInformation("SAML metadata aggregate loaded: {Count} SPs, valid until {ValidUntil}", aggregate.ServiceProviders.Count, aggregate.ValidUntil);
            return aggregate;
        }
        catch (Exception e) when (e is SamlRefusedException or IOException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            logger.LogError(e, "SAML metadata aggregate {Path} refused", aggregateOptions.Path);
            return null;
        }
    }

    private static X509Certificate2 LoadCertificate(string path)
    {
        var text = File.ReadAllText(path);
        return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(text)
            : X509CertificateLoader.LoadCertificateFromFile(path);
    }
}
