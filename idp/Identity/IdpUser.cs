using Microsoft.AspNetCore.Identity;

namespace Federation.Idp.Identity;

/// <summary>A local account. Roles, school units, affiliations and the like are user claims.</summary>
public sealed class IdpUser : IdentityUser
{
    public string? GivenName { get; set; }

    public string? FamilyName { get; set; }

    /// <summary>
    /// The RFC 6238 time step of the last accepted authenticator code: a code of that step or an
    /// earlier one is refused, so an overheard code cannot be used a second time (RFC 6238 5.2).
    /// </summary>
    public long? LastTotpTimeStep { get; set; }
}
