using Federation.Core.Feed;
using Federation.Inventory.Domain;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.Domain;

public sealed class SystemChangesTests
{
    [Fact]
    public void Changed_fields_are_named_with_their_labels_and_values_in_words()
    {
        var before = Samples.System("procapita");
        var after = before with
        {
            Lifecycle = LifecyclePhase.Avveckling,
            Processing = before.Processing with { LegalBasis = ["c", "e"], Purposes = ["Undervisning", "Betyg"] },
        };

        var changes = SystemChanges.Between(before, after);

        Assert.Equal(["lifecycle", "processing.purposes", "processing.legalBasis"], changes.Select(c => c.Path));
        var phase = changes[0];
        Assert.Equal("Livscykelfas", phase.Label.Sv);
        Assert.Equal("Användning och support", phase.Before.Sv);
        Assert.Equal("Avveckling", phase.After.Sv);
        Assert.Equal("Being retired", phase.After.En);
        Assert.Equal("Undervisning; Betyg", changes[1].After.Sv);
        Assert.Contains("Rättslig förpliktelse", changes[2].After.Sv, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_changed_is_no_change_and_a_secret_is_never_shown()
    {
        var system = Samples.System("procapita");
        Assert.Empty(SystemChanges.Between(system, system));

        var created = SystemChanges.Between(null, system.KeepingSecretOf(null));
        Assert.Contains(created, c => c.Path == "name" && c.Before.Sv == "" && c.After.Sv == system.Name);
        Assert.DoesNotContain(created, c => c.After.Sv.Contains("secret-procapita", StringComparison.Ordinal) || c.After.Sv.Contains("pbkdf2", StringComparison.Ordinal));
    }

    [Fact]
    public void Stored_documents_compare_the_same_way()
    {
        var before = Samples.System("procapita");
        var after = before with { OwnerAccounts = ["olle.systemagare@skola.example.se"] };
        var change = Assert.Single(SystemChanges.Between(
            Federation.Inventory.Register.SystemStore.AuditJson(before), Federation.Inventory.Register.SystemStore.AuditJson(after)));
        Assert.Equal("Systemägarens konton", change.Label.Sv);
    }

    [Fact]
    public void Every_phase_has_words_that_are_not_its_enum_name()
    {
        foreach (var phase in Enum.GetValues<LifecyclePhase>())
        {
            var label = RegisterText.Lifecycle(phase);
            Assert.NotEqual(phase.ToString() == label.Sv ? "" : phase.ToString(), label.Sv);
            Assert.DoesNotContain("OchSupport", label.Sv, StringComparison.Ordinal);
            Assert.NotEmpty(RegisterText.LifecycleMeaning(phase).Sv);
        }
        Assert.Equal("Attribut som lämnas ut", RegisterText.Field("access.release[2]").Sv);
    }
}
