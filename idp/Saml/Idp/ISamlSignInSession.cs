using Federation.Idp.Saml.Sp;

namespace Federation.Idp.Saml.Idp;

/// <summary>
/// The signed-in user as the idp's sign-in session knows them. <see cref="Claims"/> are keyed by
/// the register's attribute names (<see cref="Federation.Core.Attributes.AttributeCatalog"/>): <c>given_name</c>,
/// <c>email</c>, <c>eppn</c>, <c>school_units</c>, <c>roles</c>, <c>groups</c>, <c>affiliation</c>, …
/// </summary>
/// <param name="Subject">The internal, stable subject identifier (never shown to SPs as is).</param>
/// <param name="AuthenticatedAt">When the user last authenticated (for ForceAuthn).</param>
/// <param name="AssuranceLevel"><c>loa2</c> or <c>loa3</c>.</param>
public sealed record SamlSubject(
    string Subject,
    DateTimeOffset AuthenticatedAt,
    string AssuranceLevel,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Claims);

/// <summary>What the SAML IdP needs before it can answer.</summary>
/// <param name="ReturnUrl">Local URL to come back to after signing in.</param>
/// <param name="ForceAuthn">The user must authenticate again now, even with a session (the SP asked ForceAuthn and it has not happened since).</param>
/// <param name="MinimumAssuranceLevel"><c>loa2</c> or <c>loa3</c>.</param>
/// <param name="ServiceProvider">Display name of the SP, for the login page.</param>
public sealed record SamlChallenge(string ReturnUrl, bool ForceAuthn, string MinimumAssuranceLevel, string ServiceProvider);

/// <summary>
/// The idp's one sign-in session, shared with OIDC. The idp implements it; the SAML IdP asks it
/// who is signed in, and sends the browser to it to sign in.
/// </summary>
public interface ISamlSignInSession
{
    /// <summary>The user signed in on this browser, or null.</summary>
    Task<SamlSubject?> GetCurrentAsync(HttpContext context);

    /// <summary>Sends the browser to sign in (again, or at a higher level) and back to <see cref="SamlChallenge.ReturnUrl"/>.</summary>
    Task<IResult> ChallengeAsync(HttpContext context, SamlChallenge challenge);

    /// <summary>The SP's system received these attributes (register names) about the person: the idp records the release.</summary>
    Task ReleasedAsync(HttpContext context, SamlSubject subject, RegisteredSp sp, IReadOnlyList<string> attributes);
}

/// <summary>
/// Turns an accepted upstream SAML assertion into the idp's sign-in session (claims mapping per
/// upstream), then continues to <see cref="SamlAssertionIdentity.ReturnUrl"/>. Implemented by the idp.
/// </summary>
public interface ISamlUpstreamSignIn
{
    Task<IResult> SignInAsync(HttpContext context, SamlAssertionIdentity identity);
}
