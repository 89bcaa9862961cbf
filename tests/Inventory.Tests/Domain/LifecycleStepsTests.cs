using Federation.Core.Feed;
using Federation.Inventory.Domain;

namespace Federation.Inventory.Tests.Domain;

/// <summary>The lifecycle goes one step at a time, forward only; Administration is a phase on the way.</summary>
public sealed class LifecycleStepsTests
{
    [Theory]
    [InlineData(LifecyclePhase.Anskaffning, LifecyclePhase.Driftsattning)]
    [InlineData(LifecyclePhase.Driftsattning, LifecyclePhase.AnvandningOchSupport)]
    [InlineData(LifecyclePhase.Driftsattning, LifecyclePhase.Administration)]
    [InlineData(LifecyclePhase.Administration, LifecyclePhase.AnvandningOchSupport)]
    [InlineData(LifecyclePhase.Administration, LifecyclePhase.Avveckling)]
    [InlineData(LifecyclePhase.AnvandningOchSupport, LifecyclePhase.Avveckling)]
    [InlineData(LifecyclePhase.Avveckling, LifecyclePhase.Avvecklad)]
    public void A_step_forward_is_allowed(LifecyclePhase from, LifecyclePhase to) =>
        Assert.Null(LifecycleSteps.Problem(from, to, RegisterText.Lifecycle));

    [Theory]
    [InlineData(LifecyclePhase.Anskaffning, LifecyclePhase.AnvandningOchSupport, "kan inte hoppas över")]
    [InlineData(LifecyclePhase.AnvandningOchSupport, LifecyclePhase.Avvecklad, "kan inte hoppas över")]
    [InlineData(LifecyclePhase.AnvandningOchSupport, LifecyclePhase.Administration, "bara framåt")]
    [InlineData(LifecyclePhase.Avveckling, LifecyclePhase.AnvandningOchSupport, "bara framåt")]
    [InlineData(LifecyclePhase.Avvecklad, LifecyclePhase.Avveckling, "sista fas")]
    [InlineData(LifecyclePhase.Driftsattning, LifecyclePhase.Driftsattning, "redan i fasen")]
    public void A_skipped_backward_or_idle_step_is_refused_in_words(LifecyclePhase from, LifecyclePhase to, string words)
    {
        var problem = LifecycleSteps.Problem(from, to, RegisterText.Lifecycle);

        Assert.NotNull(problem);
        Assert.Contains(words, problem.Sv, StringComparison.Ordinal);
        Assert.DoesNotContain("AnvandningOchSupport", problem.Sv + problem.En, StringComparison.Ordinal);
        Assert.DoesNotContain("Driftsattning", problem.Sv + problem.En, StringComparison.Ordinal);
    }
}
