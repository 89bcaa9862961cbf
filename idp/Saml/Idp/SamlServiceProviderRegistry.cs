using System.Security.Cryptography.X509Certificates;
using Federation.Core.Access;
using Federation.Core.Feed;
using Federation.Core.Integration;
using Federation.Idp.Saml.Metadata;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml.Idp;

/// <summary>A downstream SP we may answer: where to, which keys, what to release, who may use it.</summary>
public sealed record RegisteredSp(
    string EntityId,
    string SystemId,
    string Name,
    IReadOnlyList<string> AcsUrls,
    IReadOnlyList<X509Certificate2> Certificates,
    string NameIdFormat,
    bool AuthnRequestsSigned,
    IReadOnlyList<string> Release,
    FeedAccessPolicy Access,
    LifecyclePhase Lifecycle = LifecyclePhase.AnvandningOchSupport);

/// <summary>Finds the downstream SP for an entity ID.</summary>
public interface ISamlServiceProviderRegistry
{
    RegisteredSp? Find(string entityId);
}

/// <summary>
/// SPs from the register's feed (authoritative: whether an SP may sign in and what it gets),
/// completed by a verified metadata aggregate (ACS URLs and keys the federation publishes), and
/// SPs only the aggregate knows, with the configured default release.
/// </summary>
public sealed class SamlServiceProviderRegistry(
    IFederationFeedSource feed,
    MetadataAggregateSource aggregate,
    IOptions<SamlOptions> options,
    ILogger<SamlServiceProviderRegistry> logger) : ISamlServiceProviderRegistry
{
    private static readonly FeedAccessPolicy AnyoneAtLoa2 = new([], [], [], AssuranceLevel.Loa2.Name);

    public RegisteredSp? Find(string entityId)
    {
        var system = feed.Current?.FindBySamlEntityId(entityId);
        var fromAggregate = aggregate.ServiceProviders.GetValueOrDefault(entityId);
        if (system?.SamlSp is { } bad && IntegrationRules.EndpointUrlProblem(bad.AcsUrl) is { } problem)
        {
            // Same rule as the register: an entry stored before it checked this is reported, not used.
            logger.LogError("SAML SP {EntityId} of system {SystemId} cannot be applied: ACS URL '{AcsUrl}': {Problem}",
                bad.EntityId, system.Id, bad.AcsUrl, problem);
            return null;
        }
        if (system?.SamlSp is { } sp)
        {
            var certificates = new List<X509Certificate2>();
            if (!string.IsNullOrWhiteSpace(sp.Certificate))
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(sp.Certificate)));
            }
            certificates.AddRange(fromAggregate?.SigningCertificates ?? []);
            var acs = new List<string> { sp.AcsUrl };
            acs.AddRange(fromAggregate?.AcsUrls.Except(acs, StringComparer.Ordinal) ?? []);
            return new RegisteredSp(sp.EntityId, system.Id, system.Name, acs, certificates, sp.NameIdFormat,
                fromAggregate?.AuthnRequestsSigned ?? false, system.Release, system.Access, system.Lifecycle);
        }
        if (fromAggregate is not null && options.Value.Aggregate is { } aggregateOptions)
        {
            var format = fromAggregate.NameIdFormats.FirstOrDefault(f => f is SamlNames.NameIdPersistent or SamlNames.NameIdTransient)
                ?? SamlNames.NameIdPersistent;
            return new RegisteredSp(fromAggregate.EntityId, "aggregate", fromAggregate.EntityId, fromAggregate.AcsUrls,
                fromAggregate.SigningCertificates, format, fromAggregate.AuthnRequestsSigned, aggregateOptions.DefaultRelease, AnyoneAtLoa2);
        }
        return null;
    }
}
