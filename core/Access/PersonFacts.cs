using System.Security.Claims;

namespace Federation.Core.Access;

/// <summary>
/// What the access decision looks at, read once from whatever the service holds about the
/// person (a claims principal at the gateway, the sign-in session at the idp). Claim names are
/// the register's attribute names (<see cref="Attributes.AttributeCatalog"/>).
/// </summary>
public sealed record PersonFacts(
    string? Subject,
    IReadOnlySet<string> Roles,
    IReadOnlySet<string> Groups,
    IReadOnlySet<string> SchoolUnits,
    string? Acr)
{
    public static PersonFacts From(ClaimsPrincipal user) => new(
        user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value,
        Values(user, "roles", "role"),
        Values(user, "groups"),
        Values(user, "school_units"),
        user.FindFirst("acr")?.Value);

    /// <summary>From attribute name → values, as the idp's session and SAML subject keep them.</summary>
    public static PersonFacts From(string subject, string? acr, Func<string, IReadOnlyList<string>> valuesOf) => new(
        subject,
        new HashSet<string>(valuesOf("roles"), StringComparer.Ordinal),
        new HashSet<string>(valuesOf("groups"), StringComparer.Ordinal),
        new HashSet<string>(valuesOf("school_units"), StringComparer.Ordinal),
        acr);

    /// <summary>Every value of the claim, whether it came as repeated claims or one space/comma list.</summary>
    public static IReadOnlySet<string> Values(ClaimsPrincipal user, params string[] claimTypes)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in user.Claims)
        {
            if (Array.IndexOf(claimTypes, claim.Type) < 0)
            {
                continue;
            }
            foreach (var value in claim.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                set.Add(value);
            }
        }
        return set;
    }
}
