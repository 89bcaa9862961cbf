using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Pages;

/// <summary>
/// The gateway's pages for people follow the federation's one language rule (Swedish unless the
/// person asks for English); its problem details for programs are English whatever is asked.
/// </summary>
public sealed class PersonLanguageTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    private HttpClient Student(bool browser, string? acceptLanguage)
    {
        var client = rig.Client(rig.Issuer.Mint("elin.elev", roles: ["elev"]), browser);
        if (acceptLanguage is not null)
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        }
        return client;
    }

    [Theory]
    [InlineData(null, "sv", "Du har inte behörighet till System larare", "Systemet kräver någon av rollerna larare, rektor. Du har elev.")]
    [InlineData("sv-SE", "sv", "Du har inte behörighet till System larare", "Systemet kräver någon av rollerna larare, rektor. Du har elev.")]
    [InlineData("en-GB,en;q=0.8", "en", "You do not have access to System larare", "The system requires one of the roles larare, rektor; you have elev.")]
    public async Task A_refusal_page_is_Swedish_by_default_and_English_when_asked(string? acceptLanguage, string lang, string heading, string reason)
    {
        using var client = Student(browser: true, acceptLanguage);

        var response = await client.GetAsync("/larare/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains($"<html lang=\"{lang}\"", html, StringComparison.Ordinal);
        Assert.Contains(heading, html, StringComparison.Ordinal);
        Assert.Contains(reason, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Problem_details_are_English_whatever_language_is_asked_for()
    {
        using var client = Student(browser: false, "sv");

        var response = await client.GetAsync("/larare/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Access refused", problem.GetProperty("title").GetString());
        Assert.StartsWith("The system requires one of the roles", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
