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
/// <param name="Reason">The reason in Swedish, for people.</param>
/// <param name="ReasonEnglish">The same in English.</param>
/// <param name="RequiredLevel">The level to ask for on step-up.</param>
public sealed record AccessDecision(
    AccessOutcome Outcome,
    string? ReasonCode = null,
    string? Reason = null,
    string? ReasonEnglish = null,
    AssuranceLevel? RequiredLevel = null)
{
    public static readonly AccessDecision Allow = new(AccessOutcome.Allowed);

    public bool IsAllowed => Outcome == AccessOutcome.Allowed;

    /// <summary>The reason in the person's language (<c>sv</c> unless English was chosen).</summary>
    public string? ReasonFor(string? language) =>
        language is not null && language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? ReasonEnglish : Reason;
}
