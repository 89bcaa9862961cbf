using Federation.Core.Integration;
using Federation.Core.Text;

namespace Federation.Inventory.Domain;

/// <summary>
/// The sentences of <see cref="IntegrationRules"/> (the rule the idp and the gateway apply, written
/// for operators in English) in Swedish for the register's pages. The keys are taken from the rules
/// themselves, with an input each sentence answers, so a reworded rule still finds its Swedish.
/// </summary>
public static class IntegrationRuleText
{
    private static readonly Dictionary<string, string> Swedish = new(StringComparer.Ordinal)
    {
        [IntegrationRules.EndpointUrlProblem("not a url")!] = "Ange en fullständig https-adress.",
        [IntegrationRules.EndpointUrlProblem("https://sp.example.se/#x")!] = "Ett fragment (#…) är inte tillåtet: svaret skulle skickas dit.",
        [IntegrationRules.EndpointUrlProblem("https://*.example.se/")!] = "Jokertecken (*) är inte tillåtna: skriv varje adress i sin helhet.",
        [IntegrationRules.EndpointUrlProblem("https://user@sp.example.se/")!] = "Användaruppgifter i adressen (user@host) är inte tillåtna.",
        [IntegrationRules.EndpointUrlProblem("http://sp.example.se/")!] = "Använd https; http är tillåtet bara till den egna datorn (127.0.0.1, ::1, localhost).",
        [IntegrationRules.UpstreamProblem("not a url")!] = "Ange en fullständig http- eller https-adress.",
        [IntegrationRules.UpstreamProblem("http://127.0.0.1:5400/?q")!] = "Ange en grundadress utan fragment, frågedel eller användaruppgifter.",
        [IntegrationRules.GatewayPathProblem("x")!] =
            "Ange en sökväg som ”/procapita”: ett inledande snedstreck, delar av bokstäver, siffror, ”-”, ”_”, ”.”, ”~”, inget avslutande snedstreck.",
        [IntegrationRules.GatewayPathProblem("/a/..")!] = "Punktdelar (”.”, ”..”) är inte tillåtna: sökvägen skulle peka på en annan.",
        [IntegrationRules.GatewayPathProblem(IntegrationRules.GatewayReservedPaths[0])!] =
            $"Gatewayen använder sökvägen själv; använd inte {string.Join(", ", IntegrationRules.GatewayReservedPaths)}.",
        [IntegrationRules.PublicHostProblem("x")!] =
            "Ange ett värdnamn som ”elevhalsa.skola.example.se”: små bokstäver, siffror, ”-” och punkter, utan schema, port eller sökväg.",
        [IntegrationRules.HealthPathProblem("health")!] = "Ange en sökväg med inledande snedstreck, t.ex. ”/health”.",
        [IntegrationRules.HealthPathProblem("/a/../b")!] =
            "Ange en enkel sökväg som ”/health”: bokstäver, siffror, ”-”, ”_”, ”.”, ”~” och snedstreck, inga punktdelar.",
        [IntegrationRules.ScopeProblem("two words")!] =
            "Ange ett scope av skrivbara ASCII-tecken utan mellanslag, citattecken eller omvänt snedstreck (t.ex. ”federation.feed”).",
        [IntegrationRules.ScopeProblem(IntegrationRules.SignInEventsScope)!] =
            $"”{IntegrationRules.SignInEventsScope}” är bara för idp:ns egna token; inget registrerat system får det.",
        [IntegrationRules.ScopeProblem(IntegrationRules.SubjectReleasesScope)!] =
            $"”{IntegrationRules.SubjectReleasesScope}” är bara för idp:ns egna token; inget registrerat system får det.",
        [IntegrationRules.ClientIdProblem(IntegrationRules.IdpClientId)!] =
            $"”{IntegrationRules.IdpClientId}” är idp:ns eget klient-id; ge systemet ett eget.",
    };

    /// <summary>The rule's sentence in both languages; a sentence without a translation is shown as it is, after a Swedish lead-in.</summary>
    public static PersonText Of(string problem) =>
        new(Swedish.TryGetValue(problem, out var sv) ? sv : "Federationen kan inte använda värdet: " + problem, problem);

    /// <summary>True when the sentence has its own Swedish (the tests check every rule's sentences).</summary>
    public static bool IsTranslated(string problem) => Swedish.ContainsKey(problem);
}
