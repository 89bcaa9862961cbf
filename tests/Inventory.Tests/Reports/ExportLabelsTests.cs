using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Federation.Inventory.Tests.Support;

namespace Federation.Inventory.Tests.Reports;

/// <summary>
/// Every export a person opens (the Art. 30 register as CSV and as a printable page, in each way it
/// is asked for) speaks Swedish: no enum name such as <c>AnvandningOchSupport</c> or other raw code.
/// The JSON API keeps its codes; it is for programs.
/// </summary>
public sealed class ExportLabelsTests(SqliteInventory host) : IClassFixture<SqliteInventory>
{
    public static TheoryData<string, string?> Exports => new()
    {
        { "/api/reports/article30.csv", null },
        { "/api/reports/article30.csv?delimiter=semicolon", null },
        { "/api/reports/article30.html", null },
        { "/api/reports/article30", "text/csv" },
        { "/api/reports/article30", "text/html" },
    };

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task An_export_shows_no_enum_name_or_raw_code(string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        var response = await host.Anonymous().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        if (response.Content.Headers.ContentType!.MediaType == "text/html")
        {
            text = PageText.Of(text);
        }

        Assert.Empty(RegisterRawCodes.FoundIn(text));
        // The demo register has systems in Driftsättning and in Användning och support, so both labels must be there.
        Assert.Contains("Användning och support", text);
        Assert.Contains("Driftsättning", text);
    }
}
