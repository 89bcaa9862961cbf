using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace Federation.Idp.Identity;

/// <summary>Turns a local account into the <see cref="FederationIdentity"/> of a sign-in.</summary>
public sealed class LocalAccounts(UserManager<IdpUser> users, TimeProvider time)
{
    /// <summary>User claim types that carry releasable attributes of a local account.</summary>
    public static class ClaimTypes
    {
        public const string Role = "roles";
        public const string SchoolUnit = "school_units";
        public const string Affiliation = "affiliation";
        public const string Group = "groups";
        public const string Eppn = "eppn";
        public const string PersonalIdentityNumber = "personnummer";
    }

    public Task<FederationIdentity> SignedInAsync(IdpUser user, string assuranceLevel, IReadOnlyList<string> methods) =>
        IdentityAsync(user, assuranceLevel, methods, time.GetUtcNow());

    /// <summary>
    /// The person as the account says now (roles, school units … reloaded), for a refresh of an
    /// earlier sign-in; null when the account is gone or locked out.
    /// </summary>
    public async Task<FederationIdentity?> CurrentAsync(string subject, string assuranceLevel, IReadOnlyList<string> methods, DateTimeOffset authenticatedAt)
    {
        var user = await users.FindByIdAsync(subject);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return null;
        }
        return await IdentityAsync(user, assuranceLevel, methods, authenticatedAt);
    }

    private async Task<FederationIdentity> IdentityAsync(IdpUser user, string assuranceLevel, IReadOnlyList<string> methods, DateTimeOffset authenticatedAt)
    {
        var claims = await users.GetClaimsAsync(user);
        return new FederationIdentity
        {
            Subject = user.Id,
            UserName = user.UserName,
            GivenName = user.GivenName,
            FamilyName = user.FamilyName,
            Email = user.Email,
            Eppn = First(ClaimTypes.Eppn),
            PersonalIdentityNumber = First(ClaimTypes.PersonalIdentityNumber),
            Roles = All(ClaimTypes.Role),
            SchoolUnits = All(ClaimTypes.SchoolUnit),
            Affiliations = All(ClaimTypes.Affiliation),
            Groups = All(ClaimTypes.Group),
            AssuranceLevel = assuranceLevel,
            AuthenticationMethods = methods,
            AuthenticatedAt = authenticatedAt,
            Upstream = FederationIdentity.LocalUpstream,
        };

        string? First(string type) => claims.FirstOrDefault(c => c.Type == type)?.Value;
        IReadOnlyList<string> All(string type) => claims.Where(c => c.Type == type).Select(c => c.Value).ToList();
    }

    /// <summary>Whether the account behind a subject may still receive tokens (exists, not locked out).</summary>
    public async Task<bool> IsActiveAsync(string subject)
    {
        var user = await users.FindByIdAsync(subject);
        return user is not null && !await users.IsLockedOutAsync(user);
    }

    public static Claim Claim(string type, string value) => new(type, value);
}
