using System.Text;
using Federation.Core.Text;

namespace Federation.Core.Tests.Text;

public sealed class CsvLineTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+46701234567", "'+46701234567")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    public void A_field_a_spreadsheet_would_run_as_a_formula_is_written_as_text(string value, string written) =>
        Assert.Equal(written, CsvLine.Field(value));

    [Fact]
    public void Fields_with_commas_quotes_or_line_breaks_are_quoted_and_lines_end_in_crlf()
    {
        var csv = new StringBuilder();

        CsvLine.Append(csv, ["Björkskolan, 7B", "säger \"hej\"", "rad\nrad", null, "Elin"]);

        Assert.Equal("\"Björkskolan, 7B\",\"säger \"\"hej\"\"\",\"rad\nrad\",,Elin\r\n", csv.ToString());
    }
}
