using System.Text.RegularExpressions;
using Federation.Core.Feed;

namespace Federation.Testing;

/// <summary>
/// Codes of the register that a person must never read on a page or in an export: they have
/// Swedish labels. Lifecycle phases whose enum name is itself the Swedish word (Anskaffning,
/// Administration, Avveckling, Avvecklad) are not telltale and left out; Driftsattning and
/// AnvandningOchSupport are.
/// </summary>
public static partial class RegisterRawCodes
{
    private static readonly HashSet<string> SwedishWordPhases = ["Anskaffning", "Administration", "Avveckling", "Avvecklad"];

    /// <summary>Enum names that are not Swedish words: never in a page's text, nor in its markup (addresses, form values).</summary>
    public static readonly IReadOnlyList<string> EnumNames = [.. Enum.GetNames<LifecyclePhase>().Where(n => !SwedishWordPhases.Contains(n))];

    /// <summary>Codes matched as whole words, case-sensitively.</summary>
    public static readonly IReadOnlyList<string> Words =
    [
        .. EnumNames,
        // Special categories (Art. 9), data subjects and personal-data categories stored without å, ä, ö.
        "halsa", "etniskt-ursprung", "politiska-asikter", "religios-overtygelse", "fackligt-medlemskap",
        "genetiska-uppgifter", "biometriska-uppgifter", "vardnadshavare", "school-unit",
        // Booleans and assurance levels as a program writes them.
        "True", "False", "loa1", "loa2", "loa3", "loa4",
    ];

    /// <summary>The raw codes in <paramref name="text"/> (the text a person reads, not the markup), with the line each stands in.</summary>
    public static IReadOnlyList<string> FoundIn(string text) => Find(text, Words);

    /// <summary>
    /// Enum names and rule codes in a page's markup. Stored free-text codes (a data subject
    /// category such as <c>vardnadshavare</c>) may be a filter's value in an address; their labels are checked in the text.
    /// </summary>
    public static IReadOnlyList<string> FoundInMarkup(string html) => Find(html, EnumNames);

    private static List<string> Find(string text, IReadOnlyList<string> words)
    {
        var found = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            foreach (var word in words)
            {
                if (Regex.IsMatch(line, $@"(?<![\p{{L}}\d_-]){Regex.Escape(word)}(?![\p{{L}}\d_-])"))
                {
                    found.Add($"{word} in: {line.Trim()}");
                }
            }

            // Rule codes such as PROCESSOR_AGREEMENT_MISSING.
            foreach (Match rule in RuleCode().Matches(line))
            {
                found.Add($"{rule.Value} in: {line.Trim()}");
            }
        }

        return found;
    }

    [GeneratedRegex(@"\b[A-Z]{2,}(?:_[A-Z]{2,})+\b")]
    private static partial Regex RuleCode();
}
