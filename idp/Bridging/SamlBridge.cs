using Federation.Core.Access;
using Federation.Core.Attributes;
using Federation.Core.Navigation;
using Federation.Idp.Identity;
using Federation.Idp.Saml.Idp;
using Federation.Idp.Saml.Sp;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Bridging;

/// <summary>
/// The SAML IdP's view of the idp's one sign-in session (<see cref="FederationSession"/>, the cookie
/// OIDC's authorize endpoint reads): a person signed in for an OIDC client is signed in for SAML
/// SPs too, and the reverse; signing out of the idp ends it for both.
/// </summary>
public sealed class FederationSamlSignInSession(Audit.SignInAudit audit) : ISamlSignInSession
{
    public async Task ReleasedAsync(HttpContext context, SamlSubject subject, RegisteredSp sp, IReadOnlyList<string> attributes)
    {
        var person = await FederationSession.GetAsync(context);
        audit.RecordRelease("saml", person?.Upstream, clientId: null, sp.SystemId, subject.Subject, person?.UserName, attributes, subject.AssuranceLevel);
    }

    public async Task<SamlSubject?> GetCurrentAsync(HttpContext context)
    {
        var identity = await FederationSession.GetAsync(context);
        if (identity is null)
        {
            return null;
        }
        // Every attribute the person has; the SAML IdP releases only the SP's release list from it.
        var claims = AttributeCatalog.All
            .Select(a => (a.Name, Values: identity.ValuesOf(a.Name)))
            .Where(a => a.Values.Count > 0)
            .ToDictionary(a => a.Name, a => a.Values, StringComparer.Ordinal);
        // The session keeps whole seconds; ForceAuthn compares with the request's arrival in milliseconds,
        // so a sign-in in the same second as the request would never count as fresh. Round up.
        return new SamlSubject(identity.Subject, identity.AuthenticatedAt.AddSeconds(1), identity.AssuranceLevel, claims);
    }

    public async Task<IResult> ChallengeAsync(HttpContext context, SamlChallenge challenge)
    {
        var identity = await FederationSession.GetAsync(context);
        var returnUrl = ReturnUrl.OrHome(challenge.ReturnUrl);
        // Signed in but too weak: the same MFA step-up as OIDC's. Also under ForceAuthn: the second
        // factor authenticates the person anew (and the library asks again after a fresh password
        // sign-in that is still too weak, so signing out here would loop).
        if (identity is not null && !AssuranceLevel.Satisfies(identity.AssuranceLevel, challenge.MinimumAssuranceLevel))
        {
            return Results.Redirect("/mfa" + QueryString.Create("ReturnUrl", returnUrl));
        }
        if (challenge.ForceAuthn && identity is not null)
        {
            await FederationSession.SignOutAsync(context); // authenticate again means a new session
        }
        return Results.Redirect("/login" + QueryString.Create("ReturnUrl", returnUrl));
    }
}

/// <summary>An accepted upstream SAML assertion → claims mapping → linked account → the one sign-in session.</summary>
public sealed class SamlUpstreamSignIn(UpstreamAccounts accounts, IOptions<UpstreamOptions> options) : ISamlUpstreamSignIn
{
    public async Task<IResult> SignInAsync(HttpContext context, SamlAssertionIdentity identity)
    {
        var mapping = options.Value.Saml.GetValueOrDefault(identity.Upstream) ?? ClaimsMapping.SamlDefault();
        var assertion = new UpstreamAssertion("saml", identity.Upstream, identity.NameId, identity.AuthnContextClassRef,
            identity.AuthnInstant, identity.Attributes, identity.Scopes);
        FederationIdentity signedIn;
        try
        {
            signedIn = await accounts.SignInAsync(assertion, mapping, context.RequestAborted);
        }
        catch (UpstreamRefusedException e)
        {
            accounts.Refused("saml", identity.Upstream, e.Reason, e.Message);
            return TypedResults.Problem("The sign-in from the identity provider could not be used.", statusCode: StatusCodes.Status403Forbidden,
                title: "Sign-in refused");
        }
        await FederationSession.SignInAsync(context, signedIn);
        return Results.LocalRedirect(ReturnUrl.OrHome(identity.ReturnUrl));
    }
}
