using System.ComponentModel.DataAnnotations;
using Federation.Idp.Identity;

namespace Federation.Idp.Bridging;

/// <summary>
/// Configuration section <c>Upstreams</c>: upstream OpenID Providers, and the claims mapping of
/// every upstream (SAML IdPs themselves are configured in <c>Saml:Upstreams</c> by metadata file).
/// Validated on start.
/// </summary>
public sealed class UpstreamOptions : IValidatableObject
{
    /// <summary>Upstream OpenID Providers (Entra ID, an e-legitimation broker, …).</summary>
    public List<OidcUpstreamOptions> Oidc { get; set; } = [];

    /// <summary>Claims mapping of each upstream SAML IdP, keyed by its <c>Saml:Upstreams</c> name; missing: <see cref="ClaimsMapping.SamlDefault"/>.</summary>
    public Dictionary<string, ClaimsMapping> Saml { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var upstream in Oidc)
        {
            if (string.IsNullOrWhiteSpace(upstream.Name) || !UpstreamName.IsValid(upstream.Name) || !names.Add(upstream.Name))
            {
                yield return new ValidationResult($"Upstreams:Oidc: each entry needs a unique Name of letters, digits and '-' ('{upstream.Name}').");
            }
            if (upstream.Name == FederationIdentity.LocalUpstream)
            {
                yield return new ValidationResult("Upstreams:Oidc: the name 'local' is taken by local accounts.");
            }
            if (upstream.Issuer is not { IsAbsoluteUri: true })
            {
                yield return new ValidationResult($"Upstreams:Oidc '{upstream.Name}': Issuer must be an absolute URI.");
            }
            else if (upstream.Issuer.Scheme != Uri.UriSchemeHttps && !upstream.Issuer.IsLoopback)
            {
                yield return new ValidationResult($"Upstreams:Oidc '{upstream.Name}': Issuer must use https (http only on loopback).");
            }
            if (string.IsNullOrWhiteSpace(upstream.ClientId) || string.IsNullOrWhiteSpace(upstream.ClientSecret))
            {
                yield return new ValidationResult($"Upstreams:Oidc '{upstream.Name}': ClientId and ClientSecret are required.");
            }
            foreach (var problem in upstream.Claims.Problems())
            {
                yield return new ValidationResult($"Upstreams:Oidc '{upstream.Name}': {problem}");
            }
        }
        foreach (var (name, mapping) in Saml)
        {
            foreach (var problem in mapping.Problems())
            {
                yield return new ValidationResult($"Upstreams:Saml '{name}': {problem}");
            }
        }
    }
}

/// <summary>An upstream OpenID Provider, signed in to with the authorization code flow (PKCE).</summary>
public sealed class OidcUpstreamOptions
{
    /// <summary>Our short name for it: URLs (<c>/upstream/oidc/{name}</c>), metrics, the account link.</summary>
    public string Name { get; set; } = "";

    /// <summary>Label on the login page.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The OP's issuer; its discovery document is read from <c>{Issuer}/.well-known/openid-configuration</c>.</summary>
    public Uri? Issuer { get; set; }

    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    /// <summary>Scopes asked for besides <c>openid</c>.</summary>
    public List<string> Scopes { get; set; } = ["profile", "email"];

    /// <summary>Also read the userinfo endpoint (some OPs put little in the ID token).</summary>
    public bool UseUserInfo { get; set; }

    /// <summary><c>acr_values</c> sent to the OP (e.g. an e-legitimation broker's loa3 URI); empty sends none.</summary>
    public string? AcrValues { get; set; }

    public ClaimsMapping Claims { get; set; } = ClaimsMapping.OidcDefault();
}

/// <summary>
/// Upstream attribute (SAML attribute name, or OIDC claim type) → internal identity. Unset fields
/// stay empty. <see cref="Subject"/> <c>NameID</c> means the SAML NameID.
/// </summary>
public sealed class ClaimsMapping
{
    /// <summary>Identifies the person at the upstream; with the upstream's name it links the local account.</summary>
    public string Subject { get; set; } = "";

    public string? UserName { get; set; }

    public string? GivenName { get; set; }

    public string? FamilyName { get; set; }

    public string? Email { get; set; }

    public string? Eppn { get; set; }

    public string? PersonalIdentityNumber { get; set; }

    public string? Roles { get; set; }

    public string? SchoolUnits { get; set; }

    public string? Affiliations { get; set; }

    public string? Groups { get; set; }

    /// <summary>Where the level comes from: <c>AuthnContextClassRef</c> (SAML), or a claim type such as <c>acr</c>.</summary>
    public string? AssuranceLevel { get; set; }

    /// <summary>Upstream level value → the federation's level (<c>loa2</c>, <c>loa3</c>, …).</summary>
    public Dictionary<string, string> AssuranceLevels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Level when the upstream says nothing we can map; null refuses such a sign-in.</summary>
    public string? DefaultAssuranceLevel { get; set; } = Core.Access.AssuranceLevel.Loa2.Name;

    /// <summary>
    /// Upstream role value → our role (<c>larare</c>, …). Roles come only through this mapping:
    /// a value that is not a key here is dropped, and without a mapping an upstream gives no roles
    /// (an upstream that sends <c>register-admin</c> must not make anyone our register admin).
    /// </summary>
    public Dictionary<string, string> RoleValues { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Scopes (DNS domains) in which this upstream may assert eduPersonPrincipalName and scoped
    /// affiliations (<c>x@scope</c>), besides those its SAML metadata declares (<c>shibmd:Scope</c>).
    /// A value in another scope is dropped.
    /// </summary>
    public List<string> AllowedScopes { get; set; } = [];

    public const string NameId = "NameID";
    public const string AuthnContextClassRef = "AuthnContextClassRef";

    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Subject))
        {
            yield return "Claims:Subject is required.";
        }
        foreach (var (from, to) in AssuranceLevels)
        {
            if (Core.Access.AssuranceLevel.Parse(to) is null)
            {
                yield return $"Claims:AssuranceLevels '{from}' maps to '{to}', which is not an assurance level (loa1–loa4).";
            }
        }
        if (DefaultAssuranceLevel is not null && Core.Access.AssuranceLevel.Parse(DefaultAssuranceLevel) is null)
        {
            yield return "Claims:DefaultAssuranceLevel must be an assurance level (loa1–loa4) or empty.";
        }
        foreach (var (from, to) in RoleValues)
        {
            if (string.IsNullOrWhiteSpace(to))
            {
                yield return $"Claims:RoleValues '{from}' maps to no role.";
            }
        }
        foreach (var scope in AllowedScopes)
        {
            if (!ScopedValue.IsScopeName(scope))
            {
                yield return $"Claims:AllowedScopes '{scope}' is not a domain name (no '@', wildcards or patterns).";
            }
        }
    }

    /// <summary>Skolfederation's attribute profile: urn:oid names, level from the AuthnContextClassRef.</summary>
    public static ClaimsMapping SamlDefault() => new()
    {
        Subject = NameId,
        GivenName = "urn:oid:2.5.4.42",
        FamilyName = "urn:oid:2.5.4.4",
        Email = "urn:oid:0.9.2342.19200300.100.1.3",
        Eppn = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
        PersonalIdentityNumber = "urn:oid:1.3.6.1.4.1.2428.90.1.5",
        SchoolUnits = "urn:oid:1.2.752.194.10.2.4",
        Affiliations = "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",
        AssuranceLevel = AuthnContextClassRef,
        AssuranceLevels = new(StringComparer.Ordinal)
        {
            [Core.Access.AssuranceLevel.Loa2.Uri] = Core.Access.AssuranceLevel.Loa2.Name,
            [Core.Access.AssuranceLevel.Loa3.Uri] = Core.Access.AssuranceLevel.Loa3.Name,
        },
    };

    /// <summary>Standard OIDC claim names (and the federation's own, as our idp releases them).</summary>
    public static ClaimsMapping OidcDefault() => new()
    {
        Subject = "sub",
        UserName = "preferred_username",
        GivenName = "given_name",
        FamilyName = "family_name",
        Email = "email",
        Eppn = "eppn",
        Roles = "roles",
        SchoolUnits = "school_units",
        Affiliations = "affiliation",
        Groups = "groups",
        AssuranceLevel = "acr",
        AssuranceLevels = new(StringComparer.Ordinal)
        {
            [Core.Access.AssuranceLevel.Loa2.Name] = Core.Access.AssuranceLevel.Loa2.Name,
            [Core.Access.AssuranceLevel.Loa3.Name] = Core.Access.AssuranceLevel.Loa3.Name,
        },
    };
}

internal static class UpstreamName
{
    public static bool IsValid(string name) => name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
