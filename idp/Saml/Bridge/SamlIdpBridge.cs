using System.Security.Cryptography;
using System.Text;
using Federation.Feed;
using Federation.Idp.Audit;
using Federation.Idp.Identity;
using Federation.Idp.Infrastructure;
using Federation.Idp.Pages;
using Federation.Idp.Saml.Idp;
using Federation.Idp.Saml.Sp;

namespace Federation.Idp.Saml.Bridge;

/// <summary>
/// Connects the SAML library to the idp's one sign-in session (<see cref="FederationSession"/>),
/// so that OIDC and SAML share it both ways. Program.cs: <c>builder.AddSaml();</c> and
/// <c>app.MapSamlEndpoints();</c> (after <c>AddIdpDatabase</c>, <c>AddLocalAccounts</c>, <c>AddRegisterFeed</c>).
/// </summary>
public static class SamlIdpBridge
{
    public static IHostApplicationBuilder AddSaml(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Saml");
        builder.Services.AddFederationSaml(section);
        // Unless SAML is given a database of its own, its tables live in the idp's database.
        builder.Services.PostConfigure<SamlOptions>(options =>
        {
            if (string.IsNullOrEmpty(section["ConnectionString"]))
            {
                var database = builder.Configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
                options.DatabaseProvider = database.Provider.ToLowerInvariant();
                options.ConnectionString = database.ConnectionString;
            }
        });
        builder.Services.AddScoped<ISamlSignInSession, FederationSessionForSaml>();
        builder.Services.AddScoped<ISamlUpstreamSignIn, FederationSessionFromSaml>();
        return builder;
    }
}

/// <summary>The SAML IdP reads the shared session and sends the browser to the idp's own login and MFA pages.</summary>
internal sealed class FederationSessionForSaml : ISamlSignInSession
{
    public async Task<SamlSubject?> GetCurrentAsync(HttpContext context)
    {
        var session = await FederationSession.GetAsync(context);
        if (session is null)
        {
            return null;
        }
        var claims = AttributeCatalog.All
            .Select(a => (a.Name, Values: session.ValuesOf(a.Name)))
            .Where(a => a.Values.Count > 0)
            .ToDictionary(a => a.Name, a => a.Values, StringComparer.Ordinal);
        return new SamlSubject(session.Subject, session.AuthenticatedAt, session.AssuranceLevel, claims);
    }

    public async Task<IResult> ChallengeAsync(HttpContext context, SamlChallenge challenge)
    {
        // No session, or the SP forces authentication: the login page. Signed in too weakly: step up.
        var session = await FederationSession.GetAsync(context);
        var page = session is null || challenge.ForceAuthn ? "/login" : "/mfa";
        return Results.Redirect(page + QueryString.Create("ReturnUrl", challenge.ReturnUrl));
    }
}

/// <summary>
/// An accepted upstream assertion becomes the shared session. Attributes are read by their
/// urn:oid names from the catalog; the subject is derived from the upstream's entity ID and the
/// NameID, so it is stable for persistent NameIDs and never equal to a name or personnummer.
/// </summary>
internal sealed class FederationSessionFromSaml(SignInAudit audit) : ISamlUpstreamSignIn
{
    public async Task<IResult> SignInAsync(HttpContext context, SamlAssertionIdentity identity)
    {
        IReadOnlyList<string> Values(string name) =>
            AttributeCatalog.Find(name)?.SamlName is { } oid && identity.Attributes.TryGetValue(oid, out var values) ? values : [];
        string? One(string name) => Values(name) is { Count: > 0 } values ? values[0] : null;

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(identity.Issuer + "\0" + identity.NameId));
        var federationIdentity = new FederationIdentity
        {
            Subject = "saml-" + Convert.ToHexStringLower(hash.AsSpan(0, 16)),
            UserName = identity.NameId,
            GivenName = One("given_name"),
            FamilyName = One("family_name"),
            Email = One("email"),
            Eppn = One("eppn"),
            PersonalIdentityNumber = One("personnummer"),
            SchoolUnits = Values("school_units"),
            Affiliations = Values("affiliation"),
            AssuranceLevel = identity.AuthnContextClassRef == SamlNames.Loa3 ? AssuranceLevel.Loa3 : AssuranceLevel.Loa2,
            AuthenticatedAt = identity.AuthnInstant,
            Upstream = identity.Upstream,
        };
        await FederationSession.SignInAsync(context, federationIdentity);
        audit.Record("saml", identity.Upstream, null, federationIdentity.Subject, identity.NameId, "success", federationIdentity.AssuranceLevel);
        return Results.LocalRedirect(LoginModel.SafeReturnUrl(identity.ReturnUrl));
    }
}
