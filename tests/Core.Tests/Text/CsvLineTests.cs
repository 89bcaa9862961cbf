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

    /// <summary>
    /// A value that itself begins with apostrophes before a formula character (a name someone
    /// typed as <c>'=1</c>) reads back as typed, not one apostrophe short.
    /// </summary>
    [Theory]
    [InlineData("=1")]
    [InlineData("'=1")]
    [InlineData("''=1")]
    [InlineData("'plain")]
    [InlineData("''plain")]
    [InlineData("'")]
    [InlineData("-")]
    [InlineData("Elin")]
    public void Every_value_reads_back_as_it_was_written(string value)
    {
        var written = CsvLine.Field(value);
        Assert.Equal(value, CsvLine.Value(written));
        Assert.False(written is ['=' or '+' or '-' or '@' or '\t' or '\r', ..], $"'{written}' would start a formula");
    }
}
