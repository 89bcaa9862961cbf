using Federation.Core.Text;

namespace Federation.Core.Access;

public enum AccessOutcome
{
    Allowed,
    /// <summary>No sign-in can fix it: wrong role, group or school unit, or the system is not in use.</summary>
    Denied,
    /// <summary>The right person, but signed in too weakly: ask for a stronger sign-in.</summary>
    StepUp,
}

/// <summary>The answer to "may this person use this system now?", the same on every path.</summary>
/// <param name="ReasonCode">Stable code for logs, metrics and API clients (<c>lifecycle</c>, <c>role</c>, <c>group</c>, <c>school-unit</c>, <c>assurance</c>, <c>unknown-assurance</c>).</param>
/// <param name="Reason">Why, for the person (Swedish and English); its <see cref="PersonText.En"/> also serves developers.</param>
/// <param name="RequiredLevel">The level to ask for on step-up.</param>
public sealed record AccessDecision(
    AccessOutcome Outcome,
    string? ReasonCode = null,
    PersonText? Reason = null,
    AssuranceLevel? RequiredLevel = null)
{
    public static readonly AccessDecision Allow = new(AccessOutcome.Allowed);

    public bool IsAllowed => Outcome == AccessOutcome.Allowed;

    /// <summary>The reason in English, for problem details and protocol error descriptions.</summary>
    public string? ReasonEnglish => Reason?.En;
}
