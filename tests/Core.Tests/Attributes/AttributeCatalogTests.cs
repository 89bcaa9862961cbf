using Federation.Core.Attributes;

namespace Federation.Core.Tests.Attributes;

public sealed class AttributeCatalogTests
{
    [Fact]
    public void The_release_filter_keeps_known_names_once_in_the_registers_order()
    {
        var released = AttributeCatalog.Released(["roles", "unknown", "given_name", "roles", "personnummer"]).Select(a => a.Name);

        Assert.Equal(["roles", "given_name", "personnummer"], released);
    }

    [Theory]
    [InlineData("given_name", "X-Federation-Given-Name", false)]
    [InlineData("school_units", "X-Federation-School-Units", true)]
    [InlineData("personnummer", "X-Federation-Personnummer", false)]
    [InlineData("roles", "X-Federation-Roles", true)]
    public void Each_attribute_knows_its_header_and_multiplicity(string name, string header, bool many)
    {
        var attribute = AttributeCatalog.Find(name)!;

        Assert.Equal(header, attribute.HeaderName);
        Assert.Equal(many, attribute.IsMultiValued);
        Assert.Equal(name, attribute.ClaimType);
    }

    [Fact]
    public void Every_attribute_has_a_name_for_people_in_both_languages()
    {
        Assert.All(AttributeCatalog.All, a =>
        {
            var label = AttributeCatalog.LabelOf(a.Name);
            Assert.NotEqual(a.Name, label.Sv);
            Assert.NotEqual(a.Name, label.En);
        });
        Assert.Equal("Förnamn", AttributeCatalog.LabelOf("given_name").Sv);
    }

    [Fact]
    public void Every_category_in_the_catalog_has_a_Swedish_label()
    {
        Assert.All(AttributeCatalog.All, a => Assert.True(PersonalDataCategory.IsKnown(a.Category), a.Name));
    }
}
