using System.Xml.Linq;
using Federation.Inventory.Pages.Register.Compliance;

namespace Federation.Inventory.Tests.Pages.Register.Compliance;

/// <summary>The register's own SVG bar charts: well-formed, accessible, proportional, escaped.</summary>
public sealed class SvgBarChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XElement Render(params ChartBar[] bars) =>
        XElement.Parse(SvgBarChart.Render(new BarChart("fynd", "Fynd per regel", "Antal öppna fynd för varje regel.", bars)));

    [Fact]
    public void The_chart_is_an_image_named_by_its_title_and_description()
    {
        var svg = Render(new ChartBar("Avtal saknas", 2));
        Assert.Equal("img", (string?)svg.Attribute("role"));
        Assert.Equal("fynd-title fynd-desc", (string?)svg.Attribute("aria-labelledby"));
        Assert.Equal("Fynd per regel", svg.Element(Svg + "title")!.Value);
        Assert.Equal("fynd-title", (string?)svg.Element(Svg + "title")!.Attribute("id"));
        Assert.Equal("Antal öppna fynd för varje regel.", svg.Element(Svg + "desc")!.Value);
    }

    [Fact]
    public void Bars_are_proportional_to_their_values_and_zero_draws_nothing()
    {
        var svg = Render(new ChartBar("a", 4), new ChartBar("b", 2), new ChartBar("c", 0), new ChartBar("d", 1));
        var widths = svg.Descendants(Svg + "rect").Select(r => (int)r.Attribute("width")!).ToList();
        Assert.Equal(4, widths.Count);
        Assert.Equal(widths[0] / 2, widths[1]);
        Assert.Equal(0, widths[2]);
        Assert.InRange(widths[3], widths[0] / 4 - 1, widths[0] / 4 + 1);
        var values = svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "chart-value").Select(t => t.Value);
        Assert.Equal(["4", "2", "0", "1"], values);
    }

    [Fact]
    public void An_empty_chart_is_still_valid_svg()
    {
        var svg = Render();
        Assert.Empty(svg.Descendants(Svg + "rect"));
        Assert.NotNull(svg.Element(Svg + "title"));
    }

    [Fact]
    public void Labels_are_escaped_and_long_ones_shortened_with_the_whole_label_kept_in_the_bar_title()
    {
        var hostile = "<script>alert(1)</script> & en mycket lång etikett som inte får plats";
        var markup = SvgBarChart.Render(new BarChart("x", "T", "D", [new ChartBar(hostile, 1)]));
        Assert.DoesNotContain("<script>", markup);
        var svg = XElement.Parse(markup);
        var label = svg.Descendants(Svg + "text").First().Value;
        Assert.EndsWith("…", label);
        Assert.True(label.Length <= 40);
        Assert.Equal(hostile + ": 1", svg.Descendants(Svg + "rect").Single().Element(Svg + "title")!.Value);
    }
}
