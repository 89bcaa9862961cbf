using System.Globalization;
using System.Net;
using System.Text;

namespace Federation.Inventory.Pages.Register.Compliance;

/// <summary>One bar: what it counts and how many.</summary>
public sealed record ChartBar(string Label, int Value);

/// <summary>A horizontal bar chart; <paramref name="Id"/> must be unique on the page (it names the title and description).</summary>
public sealed record BarChart(string Id, string Title, string Description, IReadOnlyList<ChartBar> Bars);

/// <summary>
/// Draws a <see cref="BarChart"/> as inline SVG on the server: no script, no library, nothing from
/// a CDN. The picture is an image with a title and a description for screen readers
/// (<c>role="img"</c>, <c>aria-labelledby</c>); the page shows the same figures as a table.
/// </summary>
public static class SvgBarChart
{
    private const int Width = 720;
    private const int LabelWidth = 300;
    private const int BarStart = LabelWidth + 10;
    private const int BarSpace = 340;
    private const int RowHeight = 28;
    private const int BarHeight = 18;
    private const int MaxLabelLength = 40;

    public static string Render(BarChart chart)
    {
        var max = chart.Bars.Count == 0 ? 0 : chart.Bars.Max(b => b.Value);
        var height = Math.Max(1, chart.Bars.Count) * RowHeight + 8;
        var titleId = chart.Id + "-title";
        var descId = chart.Id + "-desc";
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{E(titleId)} {E(descId)}\" viewBox=\"0 0 {Width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">"));
        svg.Append(Invariant($"<title id=\"{E(titleId)}\">{E(chart.Title)}</title>"));
        svg.Append(Invariant($"<desc id=\"{E(descId)}\">{E(chart.Description)}</desc>"));
        for (var i = 0; i < chart.Bars.Count; i++)
        {
            var bar = chart.Bars[i];
            var top = 4 + i * RowHeight;
            var middle = top + RowHeight / 2;
            // Zero draws no bar; any other value at least a sliver, so a count of one stays visible.
            var length = max == 0 || bar.Value <= 0 ? 0 : Math.Max(2, (int)Math.Round((double)bar.Value / max * BarSpace));
            svg.Append(Invariant($"<g class=\"chart-row\"><text x=\"{LabelWidth}\" y=\"{middle}\" text-anchor=\"end\" dominant-baseline=\"middle\" font-size=\"13\" fill=\"#1a1a1a\">{E(Shorten(bar.Label))}</text>"));
            svg.Append(Invariant($"<rect class=\"bar\" x=\"{BarStart}\" y=\"{middle - BarHeight / 2}\" width=\"{length}\" height=\"{BarHeight}\" fill=\"#1f5f8b\"><title>{E(bar.Label)}: {bar.Value}</title></rect>"));
            svg.Append(Invariant($"<text class=\"chart-value\" x=\"{BarStart + length + 6}\" y=\"{middle}\" dominant-baseline=\"middle\" font-size=\"13\" fill=\"#1a1a1a\">{bar.Value}</text></g>"));
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Shorten(string label) =>
        label.Length <= MaxLabelLength ? label : label[..(MaxLabelLength - 1)].TrimEnd() + "…";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
