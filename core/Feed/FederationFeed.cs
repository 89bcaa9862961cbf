using System.Text.Json;
using System.Text.Json.Serialization;
using Federation.Core.Attributes;

namespace Federation.Core.Feed;

/// <summary>
/// The one document the register publishes for the gateway and the idp
/// (<c>GET /api/federation/feed</c>). Everything that the idp releases and the gateway lets
/// through is in here; nothing is configured twice. Retired systems are not in it.
/// </summary>
/// <param name="Version">Monotonic version of the register; changes whenever the feed would.</param>
/// <param name="GeneratedAt">When the register built this document.</param>
/// <param name="Systems">Every system that is not retired.</param>
public sealed record FederationFeed(long Version, DateTimeOffset GeneratedAt, IReadOnlyList<FeedSystem> Systems)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public FeedSystem? FindByClientId(string clientId) =>
        Systems.FirstOrDefault(s => s.OidcClient is { } c && string.Equals(c.ClientId, clientId, StringComparison.Ordinal));

    public FeedSystem? FindBySamlEntityId(string entityId) =>
        Systems.FirstOrDefault(s => s.SamlSp is { } sp && string.Equals(sp.EntityId, entityId, StringComparison.Ordinal));
}

/// <summary>One system of the register as the federation needs it.</summary>
/// <param name="Id">Slug, e.g. <c>procapita</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Lifecycle">Lifecycle phase. <see cref="LifecyclePhase.Avveckling"/> still works but shows a notice.</param>
/// <param name="Access">Who may use the system and at which assurance level.</param>
/// <param name="Release">Attribute names (see <see cref="AttributeCatalog"/>) the system may receive.</param>
/// <param name="Notice">What people are told about a system in Avveckling.</param>
/// <param name="Description">What the system is for, in the register's words (the portal's tile).</param>
/// <param name="LaunchUrl">Where a person starts the system; consumers apply
/// <see cref="Integration.IntegrationRules.EndpointUrlProblem"/> before they link to it.</param>
public sealed record FeedSystem(
    string Id,
    string Name,
    LifecyclePhase Lifecycle,
    FeedAccessPolicy Access,
    IReadOnlyList<string> Release,
    FeedOidcClient? OidcClient = null,
    FeedSamlSp? SamlSp = null,
    FeedBackend? Backend = null,
    string? Notice = null,
    string? Description = null,
    string? LaunchUrl = null);

/// <summary>Access policy: empty lists mean "anyone signed in". Lists are OR-ed within, AND-ed across.</summary>
/// <param name="Roles">Roles (e.g. <c>larare</c>, <c>rektor</c>), any of which grants access.</param>
/// <param name="Groups">Groups, any of which grants access.</param>
/// <param name="SchoolUnits">School unit codes, any of which grants access.</param>
/// <param name="AssuranceLevel">Minimum assurance level: <c>loa2</c> (password) or <c>loa3</c> (MFA / e-legitimation).</param>
public sealed record FeedAccessPolicy(
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> SchoolUnits,
    string AssuranceLevel);

/// <summary>An OIDC client of the idp.</summary>
/// <param name="ClientSecretHash">The secret of a confidential client as a <see cref="Secrets.ClientSecretHash"/>
/// (never the secret itself); null for public clients (PKCE only).</param>
/// <param name="GrantTypes"><c>authorization_code</c>, <c>refresh_token</c>, <c>client_credentials</c>.</param>
/// <param name="Scopes">Scopes the client may ask for beyond <c>openid</c> (e.g. <c>federation.feed</c>).</param>
public sealed record FeedOidcClient(
    string ClientId,
    string? ClientSecretHash,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> Scopes)
{
    /// <summary>
    /// Write-only input of the register's API: a new secret, which the register turns into
    /// <see cref="ClientSecretHash"/> and forgets. Never stored and never in the feed.
    /// </summary>
    public string? ClientSecret { get; init; }
}

/// <summary>A downstream SAML service provider of the idp.</summary>
/// <param name="Certificate">Base64 DER of the SP's signing certificate, if any.</param>
/// <param name="NameIdFormat">The NameID format the SP is allowed: persistent, transient or emailAddress URN.</param>
public sealed record FeedSamlSp(
    string EntityId,
    string AcsUrl,
    string? Certificate,
    string? MetadataUrl,
    string NameIdFormat,
    bool WantAssertionsSigned = true);

/// <summary>A backend the gateway proxies to.</summary>
/// <param name="PublicPath">Path prefix on the gateway, e.g. <c>/procapita</c>.</param>
/// <param name="Upstreams">Upstream base addresses, load balanced.</param>
/// <param name="HealthPath">Path for active health checks, e.g. <c>/health</c>.</param>
/// <param name="IdentityForwarding">How the gateway tells the backend who the person is.</param>
/// <param name="Audience">Audience of the forwarded token when <paramref name="IdentityForwarding"/> is <c>token</c>.</param>
/// <param name="PublicHost">
/// A host name of the system's own (e.g. <c>elevhalsa.skola.example.se</c>) for a system that needs
/// origin isolation: the gateway serves it only on that host, and nothing else there. Null: the
/// gateway's shared host, where systems share one origin.
/// </param>
public sealed record FeedBackend(
    string PublicPath,
    IReadOnlyList<string> Upstreams,
    string? HealthPath,
    IdentityForwarding IdentityForwarding = IdentityForwarding.Headers,
    string? Audience = null,
    string? PublicHost = null);

/// <summary>How the gateway forwards the signed-in person to a backend. Written <c>headers</c> / <c>token</c> in JSON.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IdentityForwarding>))]
public enum IdentityForwarding
{
    /// <summary>Signed <c>X-Federation-*</c> headers (HMAC, the gateway's signing key).</summary>
    [JsonStringEnumMemberName("headers")]
    Headers,
    /// <summary>A bearer token for the backend's audience.</summary>
    [JsonStringEnumMemberName("token")]
    Token,
}

/// <summary>
/// The five phases of the municipal life-cycle framework (seed 002), plus retired.
/// Swedish names are the ones the register's users say.
/// </summary>
public enum LifecyclePhase
{
    /// <summary>Acquisition.</summary>
    Anskaffning,
    /// <summary>Deployment.</summary>
    Driftsattning,
    /// <summary>Administration.</summary>
    Administration,
    /// <summary>Use and support.</summary>
    AnvandningOchSupport,
    /// <summary>Being decommissioned: still works, users see a notice.</summary>
    Avveckling,
    /// <summary>Retired: gone from the feed; the gateway answers 410.</summary>
    Avvecklad,
}
