using Federation.Core.Feed;

namespace Federation.Gateway.Policy;

public enum AccessOutcome
{
    Allowed,
    /// <summary>No sign-in can fix it: wrong role, group or school unit.</summary>
    Refused,
    /// <summary>The right person, but signed in too weakly: ask for a stronger sign-in.</summary>
    StepUp,
}

/// <param name="ReasonCode">Stable code for logs, metrics and API clients (<c>role</c>, <c>group</c>, <c>school-unit</c>, <c>assurance</c>, <c>unknown-assurance</c>).</param>
/// <param name="Reason">The reason in Swedish, for people.</param>
/// <param name="ReasonEnglish">The same in English, for API problem details.</param>
/// <param name="RequiredAssurance">The level to ask for on step-up.</param>
public sealed record AccessDecision(
    AccessOutcome Outcome,
    string? ReasonCode = null,
    string? Reason = null,
    string? ReasonEnglish = null,
    string? RequiredAssurance = null)
{
    public static readonly AccessDecision Allow = new(AccessOutcome.Allowed);
}

/// <summary>
/// Evaluates a system's <see cref="FeedAccessPolicy"/> for a user. Pure: no I/O, no clock.
/// Lists are OR-ed within and AND-ed across; an empty list does not restrict. Membership is
/// checked before assurance so that nobody is sent to a stronger sign-in that cannot help.
/// </summary>
public static class AccessPolicyEvaluator
{
    private static readonly Dictionary<string, int> AssuranceRanks = new(StringComparer.Ordinal)
    {
        ["loa1"] = 1,
        ["loa2"] = 2,
        ["loa3"] = 3,
        ["loa4"] = 4,
        ["http://id.elegnamnden.se/loa/1.0/loa2"] = 2,
        ["http://id.elegnamnden.se/loa/1.0/loa3"] = 3,
        ["http://id.elegnamnden.se/loa/1.0/loa4"] = 4,
    };

    public static AccessDecision Evaluate(FeedAccessPolicy policy, UserAttributes user)
    {
        if (policy.Roles.Count > 0 && !policy.Roles.Any(user.Roles.Contains))
        {
            return Refuse("role",
                $"Systemet kräver någon av rollerna {List(policy.Roles)}. Du har {Have(user.Roles, "ingen roll")}.",
                $"The system requires one of the roles {List(policy.Roles)}; you have {Have(user.Roles, "none")}.");
        }
        if (policy.Groups.Count > 0 && !policy.Groups.Any(user.Groups.Contains))
        {
            return Refuse("group",
                $"Systemet kräver medlemskap i någon av grupperna {List(policy.Groups)}. Du är inte medlem i någon av dem.",
                $"The system requires membership of one of the groups {List(policy.Groups)}; you are in none of them.");
        }
        if (policy.SchoolUnits.Count > 0 && !policy.SchoolUnits.Any(user.SchoolUnits.Contains))
        {
            return Refuse("school-unit",
                $"Systemet används bara vid skolenheterna {List(policy.SchoolUnits)}. Du hör till {Have(user.SchoolUnits, "ingen skolenhet")}.",
                $"The system is only for the school units {List(policy.SchoolUnits)}; you belong to {Have(user.SchoolUnits, "none")}.");
        }

        if (!AssuranceRanks.TryGetValue(policy.AssuranceLevel, out var required))
        {
            // A typo in the register must not open the door.
            return Refuse("unknown-assurance",
                $"Systemets tillitsnivå \"{policy.AssuranceLevel}\" är okänd; kontakta systemförvaltaren.",
                $"The system's assurance level \"{policy.AssuranceLevel}\" is unknown; contact the system administrator.");
        }
        var actual = user.Acr is { } acr ? AssuranceRanks.GetValueOrDefault(acr) : 0;
        if (actual < required)
        {
            var level = Canonical(required);
            return new AccessDecision(AccessOutcome.StepUp, "assurance",
                $"Systemet kräver inloggning med tillitsnivå {level} (t.ex. e-legitimation eller tvåfaktor). Logga in igen med starkare inloggning.",
                $"The system requires assurance level {level}; you signed in with {user.Acr ?? "no stated level"}.",
                level);
        }
        return AccessDecision.Allow;
    }

    private static string Canonical(int rank) => "loa" + rank;

    private static AccessDecision Refuse(string code, string swedish, string english) =>
        new(AccessOutcome.Refused, code, swedish, english);

    private static string List(IEnumerable<string> values) => string.Join(", ", values);

    private static string Have(IReadOnlySet<string> values, string none) =>
        values.Count == 0 ? none : string.Join(", ", values.Order(StringComparer.Ordinal));
}
