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

/// <summary>One attribute the federation can release, in both protocols.</summary>
/// <param name="Name">The register's name for it, also the OIDC claim name.</param>
/// <param name="Category">The personal-data category it belongs to (<see cref="PersonalDataCategory"/>).</param>
/// <param name="SamlName">SAML attribute name (urn:oid, Skolfederation's attribute profile), or null if OIDC only.</param>
/// <param name="SamlFriendlyName">SAML FriendlyName.</param>
public sealed record ReleasableAttribute(string Name, string Category, string? SamlName, string? SamlFriendlyName);

/// <summary>
/// The table that maps each releasable attribute to its personal-data category and SAML name.
/// The register refuses a release of an attribute whose category is not in the system's record
/// of processing; the idp uses the SAML names. Data, not if-statements.
/// </summary>
public static class AttributeCatalog
{
    public static readonly IReadOnlyList<ReleasableAttribute> All =
    [
        new("name", PersonalDataCategory.Name, null, null),
        new("given_name", PersonalDataCategory.Name, "urn:oid:2.5.4.42", "givenName"),
        new("family_name", PersonalDataCategory.Name, "urn:oid:2.5.4.4", "sn"),
        new("display_name", PersonalDataCategory.Name, "urn:oid:2.16.840.1.113730.3.1.241", "displayName"),
        new("email", PersonalDataCategory.Contact, "urn:oid:0.9.2342.19200300.100.1.3", "mail"),
        new("personnummer", PersonalDataCategory.PersonalIdentityNumber, "urn:oid:1.3.6.1.4.1.2428.90.1.5", "norEduPersonNIN"),
        new("roles", PersonalDataCategory.Role, null, null),
        new("school_units", PersonalDataCategory.SchoolUnit, "urn:oid:1.2.752.194.10.2.4", "sisSchoolUnitCode"),
        new("eppn", PersonalDataCategory.Identifier, "urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName"),
        new("affiliation", PersonalDataCategory.Affiliation, "urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "eduPersonScopedAffiliation"),
        new("groups", PersonalDataCategory.Group, null, null),
        new("acr", PersonalDataCategory.Assurance, null, null),
    ];

    private static readonly Dictionary<string, ReleasableAttribute> ByName =
        All.ToDictionary(a => a.Name, StringComparer.Ordinal);

    public static ReleasableAttribute? Find(string name) => ByName.GetValueOrDefault(name);
}
