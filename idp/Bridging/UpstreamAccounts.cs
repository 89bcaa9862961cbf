using System.Security.Cryptography;
using System.Text;
using Federation.Idp.Audit;
using Federation.Idp.Identity;
using Microsoft.AspNetCore.Identity;

namespace Federation.Idp.Bridging;

/// <summary>What an upstream said about a person, before mapping: attribute or claim type → values.</summary>
/// <param name="Protocol"><c>saml</c> or <c>oidc</c>, for the audit.</param>
/// <param name="DeclaredScopes">Scopes the upstream's own metadata declares (SAML <c>shibmd:Scope</c>); none for OIDC.</param>
public sealed record UpstreamAssertion(
    string Protocol,
    string Upstream,
    string? NameId,
    string? AuthnContextClassRef,
    DateTimeOffset? AuthenticatedAt,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes,
    IReadOnlyList<string> DeclaredScopes);

/// <summary>Why an upstream sign-in was not accepted after the protocol checks (logged and counted).</summary>
public sealed class UpstreamRefusedException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Turns an upstream's assertion into the one internal <see cref="FederationIdentity"/>: the
/// upstream's claims mapping, then a local account linked to (upstream, upstream subject) as an
/// Identity external login, created just in time. The account's id is the stable internal subject.
/// </summary>
public sealed class UpstreamAccounts(
    IUserStore<IdpUser> store,
    UserManager<IdpUser> users,
    SignInAudit audit,
    TimeProvider time,
    ILogger<UpstreamAccounts> logger)
{
    public async Task<FederationIdentity> SignInAsync(UpstreamAssertion assertion, ClaimsMapping mapping, CancellationToken cancellationToken)
    {
        var upstreamSubject = mapping.Subject == ClaimsMapping.NameId ? assertion.NameId : First(mapping.Subject);
        if (string.IsNullOrWhiteSpace(upstreamSubject))
        {
            throw new UpstreamRefusedException("subject_missing", $"The upstream sent no '{mapping.Subject}'.");
        }
        var levelValue = mapping.AssuranceLevel == ClaimsMapping.AuthnContextClassRef ? assertion.AuthnContextClassRef : First(mapping.AssuranceLevel);
        var level = levelValue is not null && mapping.AssuranceLevels.TryGetValue(levelValue, out var mapped) ? mapped : mapping.DefaultAssuranceLevel;
        if (level is null)
        {
            throw new UpstreamRefusedException("assurance_unknown", $"The upstream's assurance level '{levelValue}' maps to none of ours.");
        }

        var user = await LinkedAccountAsync(assertion.Upstream, upstreamSubject, cancellationToken);
        // Roles only through the explicit mapping, never as sent.
        var roles = All(mapping.Roles).Select(r => mapping.RoleValues.GetValueOrDefault(r)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        // eppn and scoped affiliations only in the scopes the upstream's metadata or our configuration give it.
        var scopes = assertion.DeclaredScopes.Concat(mapping.AllowedScopes).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var eppn = All(mapping.Eppn).FirstOrDefault(v => ScopedValue.IsIn(v, scopes));
        var affiliations = All(mapping.Affiliations).Where(v => !v.Contains('@', StringComparison.Ordinal) || ScopedValue.IsIn(v, scopes)).ToList();
        var dropped = All(mapping.Eppn).Concat(All(mapping.Affiliations)).Where(v => v.Contains('@', StringComparison.Ordinal) && !ScopedValue.IsIn(v, scopes)).ToList();
        if (dropped.Count > 0)
        {
            logger.LogWarning("Upstream {Upstream} asserted {Count} scoped value(s) outside its scopes ({Scopes}); dropped",
                assertion.Upstream, dropped.Count, string.Join(' ', scopes));
        }
        var identity = new FederationIdentity
        {
            Subject = user.Id,
            UserName = First(mapping.UserName) ?? eppn ?? user.UserName,
            GivenName = First(mapping.GivenName),
            FamilyName = First(mapping.FamilyName),
            Email = First(mapping.Email),
            Eppn = eppn,
            PersonalIdentityNumber = First(mapping.PersonalIdentityNumber),
            Roles = roles,
            SchoolUnits = All(mapping.SchoolUnits),
            Affiliations = affiliations,
            Groups = All(mapping.Groups),
            AssuranceLevel = level,
            AuthenticationMethods = ["fed"],
            // The upstream's own authentication time, but never in the future (ForceAuthn compares it).
            AuthenticatedAt = assertion.AuthenticatedAt is { } at && at <= time.GetUtcNow() ? at : time.GetUtcNow(),
            Upstream = assertion.Upstream,
        };
        audit.Record(assertion.Protocol, assertion.Upstream, null, identity.Subject, identity.UserName, "success", identity.AssuranceLevel);
        return identity;

        string? First(string? name) =>
            name is not null && assertion.Attributes.TryGetValue(name, out var values) ? values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) : null;

        IReadOnlyList<string> All(string? name) =>
            name is not null && assertion.Attributes.TryGetValue(name, out var values)
                ? values.Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).ToList()
                : [];
    }

    /// <summary>Logs and counts a refused upstream sign-in.</summary>
    public void Refused(string protocol, string upstream, string reason, string detail)
    {
        logger.LogWarning("Upstream sign-in refused via {Protocol}/{Upstream}: {Reason} ({Detail})", protocol, upstream, reason, detail);
        audit.Record(protocol, upstream, null, null, null, reason, null);
    }

    /// <summary>The account linked to (upstream, subject), created on first sign-in.</summary>
    private async Task<IdpUser> LinkedAccountAsync(string upstream, string upstreamSubject, CancellationToken cancellationToken)
    {
        // The key is a hash: upstream subjects can be long, and a personnummer must not sit in an index.
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(upstreamSubject)));
        if (await users.FindByLoginAsync(upstream, key) is { } existing)
        {
            return existing;
        }
        var logins = (IUserLoginStore<IdpUser>)store;
        var user = new IdpUser { UserName = $"{upstream}.{key[..24]}", SecurityStamp = Guid.NewGuid().ToString("N") };
        user.NormalizedUserName = users.NormalizeName(user.UserName);
        // Created through the store: an upstream account has no password and its e-mail (if any)
        // belongs to the upstream, so the local-account validators (unique e-mail) do not apply.
        var created = await store.CreateAsync(user, cancellationToken);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException("Could not create the account of an upstream user: " + string.Join("; ", created.Errors.Select(e => e.Code)));
        }
        await logins.AddLoginAsync(user, new UserLoginInfo(upstream, key, upstream), cancellationToken);
        try
        {
            await store.UpdateAsync(user, cancellationToken);
        }
        catch (Exception e) when (e is Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // Two first sign-ins at once (another replica): the other link won; use its account
            // (the account row created here stays unlinked and unused).
            return await users.FindByLoginAsync(upstream, key)
                   ?? throw new InvalidOperationException("The upstream account link vanished.", e);
        }
        return user;
    }
}
