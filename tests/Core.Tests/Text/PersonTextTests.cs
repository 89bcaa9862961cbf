using System.Globalization;
using Federation.Core.Text;

namespace Federation.Core.Tests.Text;

public sealed class PersonTextTests
{
    private static readonly PersonText Closed = new("{0} är stängt.", "{0} is closed.");

    [Theory]
    [InlineData("sv", "LIKA är stängt.")]
    [InlineData("sv-SE", "LIKA är stängt.")]
    [InlineData("en", "LIKA is closed.")]
    [InlineData("en-GB", "LIKA is closed.")]
    // A language the federation does not write in gets Swedish, the default.
    [InlineData("de", "LIKA är stängt.")]
    public void A_person_reads_Swedish_unless_English_was_chosen(string culture, string expected) =>
        Assert.Equal(expected, Closed.Format("LIKA").In(new CultureInfo(culture)));
}
