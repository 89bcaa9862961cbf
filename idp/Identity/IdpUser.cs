using Microsoft.AspNetCore.Identity;

namespace Federation.Idp.Identity;

/// <summary>A local account. Roles, school units, affiliations and the like are user claims.</summary>
public sealed class IdpUser : IdentityUser
{
    public string? GivenName { get; set; }

    public string? FamilyName { get; set; }
}
