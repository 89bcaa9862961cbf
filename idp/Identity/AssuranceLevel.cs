namespace Federation.Idp.Identity;

/// <summary>Assurance levels of a sign-in: <c>loa2</c> password, <c>loa3</c> MFA or e-legitimation.</summary>
public static class AssuranceLevel
{
    public const string Loa2 = "loa2";
    public const string Loa3 = "loa3";

    /// <summary>Higher is stronger; an unknown level ranks below everything.</summary>
    public static int Rank(string? level) => level switch
    {
        Loa3 => 3,
        Loa2 => 2,
        _ => 0,
    };

    public static bool Satisfies(string? have, string? need) => Rank(have) >= Rank(need);

    /// <summary>The stronger of the levels that are known; null when none is.</summary>
    public static string? Strongest(IEnumerable<string?> levels) =>
        levels.Where(l => Rank(l) > 0).MaxBy(Rank);
}
