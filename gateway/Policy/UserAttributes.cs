using System.Security.Claims;

namespace Federation.Gateway.Policy;

/// <summary>
/// What the policy looks at and the gateway may release, read once from the signed-in
/// principal. Claim names are the register's attribute names (<c>AttributeCatalog</c>).
/// </summary>
public sealed record UserAttributes(
    string? Subject,
    IReadOnlySet<string> Roles,
    IReadOnlySet<string> Groups,
    IReadOnlySet<string> SchoolUnits,
    string? Acr)
{
    public static UserAttributes From(ClaimsPrincipal user) => new(
        user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value,
        Values(user, "roles", "role"),
        Values(user, "groups"),
        Values(user, "school_units"),
        user.FindFirst("acr")?.Value);

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
