using Federation.Core.Feed;
using Federation.Core.Text;

namespace Federation.Inventory.Domain;

/// <summary>
/// The steps a system takes through the municipal life cycle: Anskaffning → Driftsättning →
/// Användning och support → Avveckling → Avvecklad, one step at a time and never back.
/// <see cref="LifecyclePhase.Administration"/> (förvaltning) is a phase on the way: a system in
/// Driftsättning may go to it instead of straight into use, and from it on to Användning och
/// support or to Avveckling. Retired (Avvecklad) is the end. The pages' transition actions and
/// <c>POST /api/systems/{id}/lifecycle</c> take a step only when this allows it.
/// </summary>
public static class LifecycleSteps
{
    private static readonly Dictionary<LifecyclePhase, LifecyclePhase[]> Next = new()
    {
        [LifecyclePhase.Anskaffning] = [LifecyclePhase.Driftsattning],
        [LifecyclePhase.Driftsattning] = [LifecyclePhase.AnvandningOchSupport, LifecyclePhase.Administration],
        [LifecyclePhase.Administration] = [LifecyclePhase.AnvandningOchSupport, LifecyclePhase.Avveckling],
        [LifecyclePhase.AnvandningOchSupport] = [LifecyclePhase.Avveckling],
        [LifecyclePhase.Avveckling] = [LifecyclePhase.Avvecklad],
        [LifecyclePhase.Avvecklad] = [],
    };

    /// <summary>The phases a system in <paramref name="from"/> may step to, the usual one first.</summary>
    public static IReadOnlyList<LifecyclePhase> From(LifecyclePhase from) => Next.GetValueOrDefault(from, []);

    /// <summary>Null when <paramref name="from"/> → <paramref name="to"/> is a step; else why not, in words (phase names from <paramref name="label"/>).</summary>
    public static PersonText? Problem(LifecyclePhase from, LifecyclePhase to, Func<LifecyclePhase, PersonText> label)
    {
        if (From(from).Contains(to))
        {
            return null;
        }

        var (f, t) = (label(from), label(to));
        var allowed = From(from);
        var why = from == to
            ? new PersonText($"Systemet är redan i fasen {t.Sv}.", $"The system is already in {t.En}.")
            : Rank(to) < Rank(from)
                ? new PersonText($"Livscykeln går bara framåt: systemet kan inte gå tillbaka till {t.Sv}.", $"The life cycle only goes forward: the system cannot go back to {t.En}.")
                : new PersonText($"Steg i livscykeln kan inte hoppas över: {t.Sv} är inte nästa steg efter {f.Sv}.", $"Steps of the life cycle cannot be skipped: {t.En} is not the next step after {f.En}.");
        var next = allowed.Count == 0
            ? new PersonText($"{f.Sv} är livscykelns sista fas.", $"{f.En} is the last phase of the life cycle.")
            : new PersonText($"Från {f.Sv} går systemet vidare till {string.Join(" eller ", allowed.Select(p => label(p).Sv))}.",
                $"From {f.En} the system goes on to {string.Join(" or ", allowed.Select(p => label(p).En))}.");
        return new PersonText(why.Sv + " " + next.Sv, why.En + " " + next.En);
    }

    private static int Rank(LifecyclePhase phase) => phase switch
    {
        LifecyclePhase.Anskaffning => 0,
        LifecyclePhase.Driftsattning => 1,
        LifecyclePhase.Administration => 2,
        LifecyclePhase.AnvandningOchSupport => 3,
        LifecyclePhase.Avveckling => 4,
        _ => 5,
    };
}
