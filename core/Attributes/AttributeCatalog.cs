using Federation.Core.Text;

namespace Federation.Core.Attributes;

/// <summary>
/// Categories of personal data a record of processing can name. The codes are stored in the
/// register; labels are for people.
/// </summary>
public static class PersonalDataCategory
{
    public const string Identifier = "identifier";
    public const string Name = "name";
    public const string Contact = "contact";
    public const string PersonalIdentityNumber = "personnummer";
    public const string Role = "role";
    public const string SchoolUnit = "school-unit";
    public const string Affiliation = "affiliation";
    public const string Group = "group";
    public const string Assurance = "assurance";

    public static readonly IReadOnlyDictionary<string, string> SwedishLabels = new Dictionary<string, string>
    {
        [Identifier] = "Användaridentitet",
        [Name] = "Namn",
        [Contact] = "Kontaktuppgifter (e-post)",
        [PersonalIdentityNumber] = "Personnummer",
        [Role] = "Roll",
        [SchoolUnit] = "Skolenhet",
        [Affiliation] = "Anknytning till organisationen",
        [Group] = "Gruppmedlemskap",
        [Assurance] = "Tillitsnivå för inloggning",
    };

    public static bool IsKnown(string code) => SwedishLabels.ContainsKey(code);
}

/// <summary>How many values a person can have of an attribute.</summary>
public enum Multiplicity
{
    /// <summary>At most one: a JWT carries it as a string.</summary>
    One,
    /// <summary>Any number: a JWT carries it as an array, a header as a list.</summary>
    Many,
}

/// <summary>One attribute the federation can release, in every protocol.</summary>
/// <param name="Name">The register's name for it, also the OIDC claim type.</param>
/// <param name="Category">The personal-data category it belongs to (<see cref="PersonalDataCategory"/>).</param>
/// <param name="Multiplicity">Whether a person has one value or several.</param>
/// <param name="SamlName">SAML attribute name (urn:oid, Skolfederation's attribute profile), or null if OIDC only.</param>
/// <param name="SamlFriendlyName">SAML FriendlyName.</param>
public sealed record ReleasableAttribute(string Name, string Category, Multiplicity Multiplicity, string? SamlName, string? SamlFriendlyName)
{
    /// <summary>The OIDC / JWT claim type.</summary>
    public string ClaimType => Name;

    /// <summary>The signed identity header the gateway forwards it in: <c>given_name</c> → <c>X-Federation-Given-Name</c>.</summary>
    public string HeaderName { get; } = HeaderNameOf(Name);

    public bool IsMultiValued => Multiplicity == Multiplicity.Many;

    private static string HeaderNameOf(string name) =>
        "X-Federation-" + string.Join('-', name.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}

/// <summary>
/// The table that maps each releasable attribute to its personal-data category and SAML name.
/// The register refuses a release of an attribute whose category is not in the system's record
/// of processing; the idp uses the SAML names. Data, not if-statements.
/// </summary>
public static class AttributeCatalog
{
    public static readonly IReadOnlyList<ReleasableAttribute> All =
    [
        new("name", PersonalDataCategory.Name, Multiplicity.One, null, null),
        new("given_name", PersonalDataCategory.Name, Multiplicity.One, "urn:oid:2.5.4.42", "givenName"),
        new("family_name", PersonalDataCategory.Name, Multiplicity.One, "urn:oid:2.5.4.4", "sn"),
        new("display_name", PersonalDataCategory.Name, Multiplicity.One, "urn:oid:2.16.840.1.113730.3.1.241", "displayName"),
        new("email", PersonalDataCategory.Contact, Multiplicity.One, "urn:oid:0.9.2342.19200300.100.1.3", "mail"),
        new("personnummer", PersonalDataCategory.PersonalIdentityNumber, Multiplicity.One, "urn:oid:1.3.6.1.4.1.2428.90.1.5", "norEduPersonNIN"),
        new("roles", PersonalDataCategory.Role, Multiplicity.Many, null, null),
        new("school_units", PersonalDataCategory.SchoolUnit, Multiplicity.Many, "urn:oid:1.2.752.194.10.2.4", "sisSchoolUnitCode"),
        new("eppn", PersonalDataCategory.Identifier, Multiplicity.One, "urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName"),
        new("affiliation", PersonalDataCategory.Affiliation, Multiplicity.Many, "urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "eduPersonScopedAffiliation"),
        new("groups", PersonalDataCategory.Group, Multiplicity.Many, null, null),
        new("acr", PersonalDataCategory.Assurance, Multiplicity.One, null, null),
    ];

    private static readonly Dictionary<string, ReleasableAttribute> ByName =
        All.ToDictionary(a => a.Name, StringComparer.Ordinal);

    public static ReleasableAttribute? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>What a person reads for each attribute (their own data page, an export), Swedish first.</summary>
    private static readonly Dictionary<string, PersonText> Labels = new(StringComparer.Ordinal)
    {
        ["name"] = new("Namn", "Name"),
        ["given_name"] = new("Förnamn", "Given name"),
        ["family_name"] = new("Efternamn", "Family name"),
        ["display_name"] = new("Visningsnamn", "Display name"),
        ["email"] = new("E-postadress", "Email address"),
        ["personnummer"] = new("Personnummer", "Personal identity number"),
        ["roles"] = new("Roller", "Roles"),
        ["school_units"] = new("Skolenheter (skolenhetskod)", "School units (school unit code)"),
        ["eppn"] = new("Användaridentitet (eduPersonPrincipalName)", "User identity (eduPersonPrincipalName)"),
        ["affiliation"] = new("Anknytning till organisationen", "Affiliation with the organisation"),
        ["groups"] = new("Grupper", "Groups"),
        ["acr"] = new("Tillitsnivå för inloggningen", "Assurance level of the sign-in"),
    };

    /// <summary>The attribute's name for people; the register name itself for a name the catalog does not know.</summary>
    public static PersonText LabelOf(string name) => Labels.GetValueOrDefault(name) ?? new PersonText(name, name);

    /// <summary>
    /// The release filter: what a system with this release list may receive, each attribute once,
    /// only names the catalog knows (the register refuses a release whose category is not in the
    /// system's record of processing, so a listed name is also a registered category).
    /// </summary>
    public static IEnumerable<ReleasableAttribute> Released(IEnumerable<string> releaseList)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in releaseList)
        {
            if (ByName.TryGetValue(name, out var attribute) && seen.Add(name))
            {
                yield return attribute;
            }
        }
    }
}
