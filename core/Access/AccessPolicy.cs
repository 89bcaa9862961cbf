using Federation.Core.Feed;
using Federation.Core.Text;

namespace Federation.Core.Access;

/// <summary>
/// The access decision for a person and a system, the one the gateway, the OIDC endpoints and
/// the SAML IdP all apply. Pure: no I/O, no clock. The system's <see cref="FeedAccessPolicy"/>
/// lists are OR-ed within and AND-ed across; an empty list does not restrict. Lifecycle and
/// membership are checked before assurance, so nobody is sent to a stronger sign-in that cannot help.
/// </summary>
public static class AccessPolicy
{
    /// <param name="minimumLevel">A stronger level the client itself asked for (OIDC <c>acr_values</c>, SAML <c>RequestedAuthnContext</c>), if any.</param>
    public static AccessDecision Evaluate(FeedSystem system, PersonFacts person, AssuranceLevel? minimumLevel = null) =>
        Evaluate(system.Name, system.Lifecycle, system.Access, person, minimumLevel);

    /// <summary>The decision for a system known by its parts (a SAML SP from a metadata aggregate has no register entry).</summary>
    public static AccessDecision Evaluate(
        string systemName, LifecyclePhase lifecycle, FeedAccessPolicy policy, PersonFacts person, AssuranceLevel? minimumLevel = null)
    {
        switch (lifecycle)
        {
            case LifecyclePhase.Anskaffning:
                return Deny("lifecycle",
                    $"{systemName} är under anskaffning och används inte ännu.",
                    $"{systemName} is being procured and is not in use yet.");
            case LifecyclePhase.Avvecklad:
                return Deny("lifecycle",
                    $"{systemName} är avvecklat och går inte längre att använda.",
                    $"{systemName} has been retired and can no longer be used.");
        }
        return Evaluate(policy, person, minimumLevel);
    }

    /// <summary>The policy alone, for a system whose lifecycle the caller has already handled.</summary>
    public static AccessDecision Evaluate(FeedAccessPolicy policy, PersonFacts person, AssuranceLevel? minimumLevel = null)
    {
        if (policy.Roles.Count > 0 && !policy.Roles.Any(person.Roles.Contains))
        {
            return Deny("role",
                $"Systemet kräver någon av rollerna {List(policy.Roles)}. Du har {Have(person.Roles, "ingen roll")}.",
                $"The system requires one of the roles {List(policy.Roles)}; you have {Have(person.Roles, "none")}.");
        }
        if (policy.Groups.Count > 0 && !policy.Groups.Any(person.Groups.Contains))
        {
            return Deny("group",
                $"Systemet kräver medlemskap i någon av grupperna {List(policy.Groups)}. Du är inte medlem i någon av dem.",
                $"The system requires membership of one of the groups {List(policy.Groups)}; you are in none of them.");
        }
        if (policy.SchoolUnits.Count > 0 && !policy.SchoolUnits.Any(person.SchoolUnits.Contains))
        {
            return Deny("school-unit",
                $"Systemet används bara vid skolenheterna {List(policy.SchoolUnits)}. Du hör till {Have(person.SchoolUnits, "ingen skolenhet")}.",
                $"The system is only for the school units {List(policy.SchoolUnits)}; you belong to {Have(person.SchoolUnits, "none")}.");
        }

        if (!AssuranceLevel.TryParse(policy.AssuranceLevel, out var required))
        {
            // A typo in the register must not open the door.
            return Deny("unknown-assurance",
                $"Systemets tillitsnivå \"{policy.AssuranceLevel}\" är okänd; kontakta systemförvaltaren.",
                $"The system's assurance level \"{policy.AssuranceLevel}\" is unknown; contact the system administrator.");
        }
        if (minimumLevel is { } asked && asked > required)
        {
            required = asked;
        }
        if (!AssuranceLevel.TryParse(person.Acr, out var actual) || actual < required)
        {
            return new AccessDecision(AccessOutcome.StepUp, "assurance", new PersonText(
                $"Systemet kräver inloggning med tillitsnivå {required} (t.ex. e-legitimation eller tvåfaktor). Logga in igen med starkare inloggning.",
                $"The system requires assurance level {required}; you signed in with {person.Acr ?? "no stated level"}."),
                required);
        }
        return AccessDecision.Allow;
    }

    private static AccessDecision Deny(string code, string swedish, string english) =>
        new(AccessOutcome.Denied, code, new PersonText(swedish, english));

    private static string List(IEnumerable<string> values) => string.Join(", ", values);

    private static string Have(IReadOnlySet<string> values, string none) =>
        values.Count == 0 ? none : string.Join(", ", values.Order(StringComparer.Ordinal));
}
