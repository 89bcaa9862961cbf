using Federation.Core.Text;

namespace Federation.Ui;

/// <summary>The words the shared layout itself uses; each service keeps its own words.</summary>
public static class UiWords
{
    private static readonly Dictionary<string, PersonText> Words = new(StringComparer.Ordinal)
    {
        ["skip"] = new("Hoppa till innehållet", "Skip to content"),
        ["otherLanguage"] = new("In English", "På svenska"),
        ["signedInAs"] = new("Inloggad som", "Signed in as"),
        ["signOut"] = new("Logga ut", "Sign out"),
        ["navigation"] = new("Huvudmeny", "Main menu"),
        ["federation"] = new("Skolfederationen", "School federation"),
    };

    public static string T(string key) => Words.TryGetValue(key, out var text) ? text.Current : key;
}
