using System.Text;

namespace Federation.Core.Text;

/// <summary>
/// Writes CSV for people to open in a spreadsheet (RFC 4180: comma separated, CRLF, quoted when
/// needed). A field that a spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, a tab or a carriage return) is written with a leading apostrophe, so data
/// about a person can never become a formula on the computer of whoever opens the file.
/// </summary>
public static class CsvLine
{
    public static void Append(StringBuilder csv, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                csv.Append(',');
            }
            first = false;
            csv.Append(Field(field ?? ""));
        }
        csv.Append("\r\n");
    }

    /// <summary>One field, quoted when it holds the delimiter, a quote or a line break.</summary>
    public static string Field(string value, char delimiter = ',')
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([delimiter, '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>What a field read back from a file holds: the apostrophe <see cref="Field"/> puts before a formula taken off again, so export → import changes nothing.</summary>
    public static string Value(string field) =>
        field.Length > 1 && field[0] == '\'' && field[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? field[1..] : field;
}
