using System.Security.Claims;

namespace Federation.Gateway.Identity;

internal static class Principals
{
    /// <summary>
    /// A copy that shares nothing mutable: <see cref="ClaimsPrincipal.Clone"/> keeps the same
    /// identities, so a claim added to one request's user would show up in the next one's.
    /// </summary>
    public static ClaimsPrincipal DeepCopy(ClaimsPrincipal principal) => new(principal.Identities.Select(i => i.Clone()));
}
