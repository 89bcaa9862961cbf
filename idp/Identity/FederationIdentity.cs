using System.Globalization;
using System.Security.Claims;

namespace Federation.Idp.Identity;

/// <summary>
/// The one internal identity of a signed-in person, whatever proved it (a local account now,
/// an upstream SAML IdP or OIDC OP later). Both protocols release from it: OIDC as claims,
/// SAML as attributes, each only what the system's release list names
/// (<see cref="Federation.Core.Attributes.AttributeCatalog"/>).
/// </summary>
public sealed record FederationIdentity
{
    /// <summary>Stable, opaque subject (never a name or personnummer).</summary>
    public required string Subject { get; init; }

    /// <summary>Login name, for logs and the UI only; not released.</summary>
    public string? UserName { get; init; }

    public string? GivenName { get; init; }

    public string? FamilyName { get; init; }

    public string? Email { get; init; }

    /// <summary>eduPersonPrincipalName, e.g. <c>anna.larare@skola.example.se</c>.</summary>
    public string? Eppn { get; init; }

    public string? PersonalIdentityNumber { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>sisSchoolUnitCode values.</summary>
    public IReadOnlyList<string> SchoolUnits { get; init; } = [];

    /// <summary>eduPersonScopedAffiliation values, e.g. <c>employee@skola.example.se</c>.</summary>
    public IReadOnlyList<string> Affiliations { get; init; } = [];

    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary><see cref="Core.Access.AssuranceLevel"/> of this sign-in.</summary>
    public required string AssuranceLevel { get; init; }

    /// <summary>How the person proved it (<c>pwd</c>, <c>otp</c>, …, RFC 8176).</summary>
    public IReadOnlyList<string> AuthenticationMethods { get; init; } = [];

    public required DateTimeOffset AuthenticatedAt { get; init; }

    /// <summary>Who vouched for the person: <see cref="LocalUpstream"/> or an upstream IdP's name.</summary>
    public string Upstream { get; init; } = LocalUpstream;

    public const string LocalUpstream = "local";

    /// <summary>
    /// Identifies this one authentication: every sign-in (password, second factor, upstream) gets a
    /// new one, so "has the person authenticated again since …" needs no clock comparison.
    /// </summary>
    public string SessionId { get; init; } = Guid.NewGuid().ToString("N");

    public string DisplayName => string.Join(' ', new[] { GivenName, FamilyName }.Where(n => !string.IsNullOrWhiteSpace(n)));

    /// <summary>The values of one releasable attribute (register name), empty when the person has none.</summary>
    public IReadOnlyList<string> ValuesOf(string attribute) => attribute switch
    {
        "name" or "display_name" => One(DisplayName),
        "given_name" => One(GivenName),
        "family_name" => One(FamilyName),
        "email" => One(Email),
        "personnummer" => One(PersonalIdentityNumber),
        "roles" => Roles,
        "school_units" => SchoolUnits,
        "eppn" => One(Eppn),
        "affiliation" => Affiliations,
        "groups" => Groups,
        "acr" => One(AssuranceLevel),
        _ => [],
    };

    /// <summary>What a system with this release list receives: attribute name to values, nothing else.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Release(IEnumerable<string> releaseList)
    {
        var released = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var attribute in Federation.Core.Attributes.AttributeCatalog.Released(releaseList))
        {
            var values = ValuesOf(attribute.Name);
            if (values.Count > 0)
            {
                released[attribute.Name] = values;
            }
        }
        return released;
    }

    private static IReadOnlyList<string> One(string? value) => string.IsNullOrWhiteSpace(value) ? [] : [value];

    // Session cookie claim types: short and private to the idp.
    private const string SubjectClaim = "sub";
    private const string UserNameClaim = "preferred_username";
    private const string AuthTimeClaim = "auth_time";
    private const string AmrClaim = "amr";
    private const string UpstreamClaim = "upstream";
    private const string SessionIdClaim = "sid";

    /// <summary>The principal kept in the sign-in session cookie (every attribute, never released as is).</summary>
    public ClaimsPrincipal ToSessionPrincipal(string authenticationType)
    {
        var identity = new ClaimsIdentity(authenticationType, UserNameClaim, "roles");
        identity.AddClaim(new Claim(SubjectClaim, Subject));
        Add(UserNameClaim, UserName);
        // What the shared layout greets the person by; derived, so never read back.
        Add("name", DisplayName);
        Add("given_name", GivenName);
        Add("family_name", FamilyName);
        Add("email", Email);
        Add("eppn", Eppn);
        Add("personnummer", PersonalIdentityNumber);
        AddAll("roles", Roles);
        AddAll("school_units", SchoolUnits);
        AddAll("affiliation", Affiliations);
        AddAll("groups", Groups);
        Add("acr", AssuranceLevel);
        AddAll(AmrClaim, AuthenticationMethods);
        Add(AuthTimeClaim, AuthenticatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Add(UpstreamClaim, Upstream);
        Add(SessionIdClaim, SessionId);
        return new ClaimsPrincipal(identity);

        void Add(string type, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                identity.AddClaim(new Claim(type, value));
            }
        }

        void AddAll(string type, IEnumerable<string> values)
        {
            foreach (var value in values)
            {
                Add(type, value);
            }
        }
    }

    /// <summary>Reads the session principal back; null when it is not one of ours.</summary>
    public static FederationIdentity? FromSessionPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.FindFirst(SubjectClaim)?.Value is not { Length: > 0 } subject
            || principal.FindFirst("acr")?.Value is not { Length: > 0 } acr
            || !long.TryParse(principal.FindFirst(AuthTimeClaim)?.Value, CultureInfo.InvariantCulture, out var authTime))
        {
            return null;
        }
        return new FederationIdentity
        {
            Subject = subject,
            UserName = principal.FindFirst(UserNameClaim)?.Value,
            GivenName = principal.FindFirst("given_name")?.Value,
            FamilyName = principal.FindFirst("family_name")?.Value,
            Email = principal.FindFirst("email")?.Value,
            Eppn = principal.FindFirst("eppn")?.Value,
            PersonalIdentityNumber = principal.FindFirst("personnummer")?.Value,
            Roles = All("roles"),
            SchoolUnits = All("school_units"),
            Affiliations = All("affiliation"),
            Groups = All("groups"),
            AssuranceLevel = acr,
            AuthenticationMethods = All(AmrClaim),
            AuthenticatedAt = DateTimeOffset.FromUnixTimeSeconds(authTime),
            Upstream = principal.FindFirst(UpstreamClaim)?.Value ?? LocalUpstream,
            SessionId = principal.FindFirst(SessionIdClaim)?.Value ?? subject + ":" + authTime.ToString(CultureInfo.InvariantCulture),
        };

        IReadOnlyList<string> All(string type) => principal.FindAll(type).Select(c => c.Value).ToList();
    }
}
