using System.Diagnostics.CodeAnalysis;

namespace Federation.Core.Access;

/// <summary>
/// How strongly a person proved who they are, on one scale for every protocol: <c>loa1</c>–<c>loa4</c>
/// as the register and OIDC <c>acr</c> say it, and the Swedish e-ID / Sweden Connect URIs that
/// SAML upstreams send (<c>http://id.elegnamnden.se/loa/1.0/loa3</c>, eIDAS levels). Anything
/// else is unknown and satisfies nothing, so a typo never opens a door.
/// </summary>
public readonly record struct AssuranceLevel : IComparable<AssuranceLevel>
{
    private const string ElegnamndenPrefix = "http://id.elegnamnden.se/loa/1.0/";

    public static readonly AssuranceLevel Loa1 = new(1);
    /// <summary>Password.</summary>
    public static readonly AssuranceLevel Loa2 = new(2);
    /// <summary>Two factors or an e-legitimation.</summary>
    public static readonly AssuranceLevel Loa3 = new(3);
    public static readonly AssuranceLevel Loa4 = new(4);

    private static readonly Dictionary<string, int> Ranks = new(StringComparer.Ordinal)
    {
        ["loa1"] = 1,
        ["loa2"] = 2,
        ["loa3"] = 3,
        ["loa4"] = 4,
        [ElegnamndenPrefix + "loa1"] = 1,
        [ElegnamndenPrefix + "loa2"] = 2,
        [ElegnamndenPrefix + "loa3"] = 3,
        [ElegnamndenPrefix + "loa4"] = 4,
        [ElegnamndenPrefix + "loa2-sigmessage"] = 2,
        [ElegnamndenPrefix + "loa3-sigmessage"] = 3,
        [ElegnamndenPrefix + "loa4-sigmessage"] = 4,
        // eIDAS through Sweden Connect: low, substantial, high.
        [ElegnamndenPrefix + "eidas-low"] = 2,
        [ElegnamndenPrefix + "eidas-sub"] = 3,
        [ElegnamndenPrefix + "eidas-nf-sub"] = 3,
        [ElegnamndenPrefix + "eidas-high"] = 4,
        [ElegnamndenPrefix + "eidas-nf-high"] = 4,
        // Uncertified: the issuer is not reviewed against the framework, so it proves no more than a password.
        ["http://id.swedenconnect.se/loa/1.0/uncertified-loa3"] = 2,
    };

    private AssuranceLevel(int rank) => Rank = rank;

    /// <summary>1–4; higher is stronger.</summary>
    public int Rank { get; }

    /// <summary><c>loa2</c> etc.: the name in the register, in <c>acr</c> and in identity headers.</summary>
    public string Name => "loa" + Rank;

    /// <summary>The Swedish e-ID framework URI for SAML <c>AuthnContextClassRef</c>.</summary>
    public string Uri => ElegnamndenPrefix + Name;

    public static bool TryParse([NotNullWhen(true)] string? value, out AssuranceLevel level)
    {
        if (value is not null && Ranks.TryGetValue(value, out var rank))
        {
            level = new AssuranceLevel(rank);
            return true;
        }
        level = default;
        return false;
    }

    /// <summary>The level of rank 1–4, or null for any other number (0: nothing asked for).</summary>
    public static AssuranceLevel? OfRank(int rank) => rank is >= 1 and <= 4 ? new AssuranceLevel(rank) : null;

    /// <summary>The level, or null when the value is not one the federation knows.</summary>
    public static AssuranceLevel? Parse(string? value) => TryParse(value, out var level) ? level : null;

    /// <summary>True when a sign-in at <paramref name="have"/> is strong enough for <paramref name="need"/>; unknown values never are.</summary>
    public static bool Satisfies(string? have, string? need) =>
        TryParse(have, out var h) && TryParse(need, out var n) && h >= n;

    /// <summary>The strongest of the known levels among <paramref name="values"/>; null when none is known.</summary>
    public static AssuranceLevel? Strongest(IEnumerable<string?> values)
    {
        AssuranceLevel? best = null;
        foreach (var value in values)
        {
            if (TryParse(value, out var level) && (best is null || level > best.Value))
            {
                best = level;
            }
        }
        return best;
    }

    public int CompareTo(AssuranceLevel other) => Rank.CompareTo(other.Rank);

    public static bool operator <(AssuranceLevel a, AssuranceLevel b) => a.Rank < b.Rank;
    public static bool operator >(AssuranceLevel a, AssuranceLevel b) => a.Rank > b.Rank;
    public static bool operator <=(AssuranceLevel a, AssuranceLevel b) => a.Rank <= b.Rank;
    public static bool operator >=(AssuranceLevel a, AssuranceLevel b) => a.Rank >= b.Rank;

    public override string ToString() => Name;
}
