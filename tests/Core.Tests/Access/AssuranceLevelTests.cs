using Federation.Core.Access;

namespace Federation.Core.Tests.Access;

public sealed class AssuranceLevelTests
{
    [Theory]
    [InlineData("loa2", 2)]
    [InlineData("loa3", 3)]
    [InlineData("http://id.elegnamnden.se/loa/1.0/loa3", 3)]
    [InlineData("http://id.elegnamnden.se/loa/1.0/loa4", 4)]
    [InlineData("http://id.elegnamnden.se/loa/1.0/eidas-sub", 3)]
    [InlineData("http://id.elegnamnden.se/loa/1.0/eidas-high", 4)]
    [InlineData("http://id.swedenconnect.se/loa/1.0/uncertified-loa3", 2)]
    public void Names_and_Swedish_eID_URIs_are_one_scale(string value, int rank)
    {
        Assert.Equal(rank, AssuranceLevel.Parse(value)!.Value.Rank);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("LOA3")]
    [InlineData("loa5")]
    [InlineData("https://id.elegnamnden.se/loa/1.0/loa3")]
    [InlineData("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")]
    public void Anything_else_is_unknown_and_satisfies_nothing(string? value)
    {
        Assert.Null(AssuranceLevel.Parse(value));
        Assert.False(AssuranceLevel.Satisfies(value, "loa1"));
        Assert.False(AssuranceLevel.Satisfies("loa4", value));
    }

    [Fact]
    public void Stronger_satisfies_weaker_never_the_other_way()
    {
        Assert.True(AssuranceLevel.Satisfies("loa3", "loa2"));
        Assert.True(AssuranceLevel.Satisfies("http://id.elegnamnden.se/loa/1.0/loa3", "loa3"));
        Assert.False(AssuranceLevel.Satisfies("loa2", "loa3"));
        Assert.Equal(AssuranceLevel.Loa3, AssuranceLevel.Strongest(["loa2", "nonsense", "loa3", null]));
        Assert.Null(AssuranceLevel.Strongest(["nonsense"]));
    }

    [Fact]
    public void The_SAML_URI_and_the_name_round_trip()
    {
        Assert.Equal("http://id.elegnamnden.se/loa/1.0/loa3", AssuranceLevel.Loa3.Uri);
        Assert.Equal(AssuranceLevel.Loa3, AssuranceLevel.Parse(AssuranceLevel.Loa3.Uri));
        Assert.Equal("loa3", AssuranceLevel.Loa3.Name);
    }
}
