using System.Security.Claims;
using Federation.Inventory.Domain;

namespace Federation.Inventory.Auth;

/// <summary>A person (or client) acting on the register, as the register sees them.</summary>
/// <param name="Names">The names the person is known by: user name and eppn; matched against <see cref="SystemRecord.OwnerAccounts"/>.</param>
public sealed record RegisterPerson(string Actor, IReadOnlySet<string> Names, IReadOnlySet<string> Roles)
{
    public static RegisterPerson From(ClaimsPrincipal user)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in (string[])["preferred_username", "eppn"])
        {
            if (user.FindFirst(type)?.Value is { Length: > 0 } value)
            {
                names.Add(value);
            }
        }
        var roles = user.FindAll("roles").Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new RegisterPerson(InventoryAuth.ActorOf(user), names, roles);
    }

    public bool IsAdmin => Roles.Contains(InventoryAuth.RegisterAdmin);

    public bool IsDataProtectionOfficer => Roles.Contains(RegisterPermissions.DataProtectionOfficer);

    public bool Owns(SystemRecord system) => system.OwnerAccounts.Any(Names.Contains);
}

/// <summary>
/// Who may do what in the register — the one rule the pages and the API both ask:
/// <c>register-admin</c> edits everything; a system owner edits the systems that name them in
/// <see cref="SystemRecord.OwnerAccounts"/> (but not who owns them); the data protection officer
/// reads everything, the audit log included; nobody else uses the register's pages.
/// </summary>
public static class RegisterPermissions
{
    public const string DataProtectionOfficer = "dataskyddsombud";

    /// <summary>The directory role of people who own systems; which systems is the register's <see cref="SystemRecord.OwnerAccounts"/>.</summary>
    public const string SystemOwner = "systemagare";

    /// <summary>May use the register's pages at all (read the systems and the reports).</summary>
    public static bool CanRead(RegisterPerson person) =>
        person.IsAdmin || person.IsDataProtectionOfficer || person.Roles.Contains(SystemOwner);

    public static bool CanCreate(RegisterPerson person) => person.IsAdmin;

    public static bool CanEdit(RegisterPerson person, SystemRecord system) =>
        person.IsAdmin || (person.Roles.Contains(SystemOwner) && person.Owns(system));

    /// <summary>Who owns a system is decided by the register's administrators, never by an owner.</summary>
    public static bool CanChangeOwners(RegisterPerson person) => person.IsAdmin;

    /// <summary>A change of <paramref name="before"/> into <paramref name="after"/> this person may make.</summary>
    public static bool CanChange(RegisterPerson person, SystemRecord before, SystemRecord after) =>
        CanEdit(person, before)
        && (CanChangeOwners(person) || before.OwnerAccounts.Order(StringComparer.OrdinalIgnoreCase)
            .SequenceEqual(after.OwnerAccounts.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase));

    public static bool CanImport(RegisterPerson person) => person.IsAdmin;

    public static bool CanReadAudit(RegisterPerson person, SystemRecord system) =>
        person.IsAdmin || person.IsDataProtectionOfficer || person.Owns(system);

    /// <summary>The whole audit log (every system, the register's own events).</summary>
    public static bool CanReadWholeAudit(RegisterPerson person) => person.IsAdmin || person.IsDataProtectionOfficer;
}
