using System.Net;
using System.Text;
using System.Text.Json;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Idp.Tests.Pages;

/// <summary>
/// "Mina uppgifter": a release is recorded (names, never values) when a system receives a person's
/// attributes; the page and its download show the signed-in person's own releases and no one
/// else's, whatever the request asks; without a session both go to the login page. The register
/// is the test's stand-in (<see cref="FeedServer"/>); the real one is in EndToEnd.Tests.
/// </summary>
public sealed class MinaUppgifterTests(IdpHost idp) : IClassFixture<IdpHost>
{
    [Theory]
    [InlineData("/mina-uppgifter")]
    [InlineData("/mina-uppgifter/download?format=json")]
    [InlineData("/mina-uppgifter/download?format=csv")]
    public async Task Without_a_session_the_page_and_the_download_send_the_person_to_sign_in_and_back(string path)
    {
        var browser = idp.CreateBrowser();

        var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var login = response.Headers.Location!;
        Assert.Equal("/login", new Uri(idp.BaseAddress, login).AbsolutePath);
        Assert.Equal(path, RelyingParty.Query(new Uri(idp.BaseAddress, login))["ReturnUrl"]);
    }

    [Fact]
    public async Task A_sign_in_records_which_attributes_the_system_received_and_never_their_values()
    {
        var (_, subject) = await SignInAsync("elin.elev");

        var release = await ReleaseOfAsync(subject, "skolportalen");

        Assert.Equal(["name", "given_name", "family_name", "email", "roles", "school_units", "acr"],
            release.GetProperty("released").EnumerateArray().Select(a => a.GetString()));
        Assert.DoesNotContain("Elin", release.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("201003152380", release.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_shows_the_signed_in_persons_own_releases_whatever_subject_the_request_names()
    {
        var (_, anna) = await SignInAsync("anna.larare");
        await ReleaseOfAsync(anna, "skolportalen");
        var (elin, elinSubject) = await SignInAsync("elin.elev");
        await ReleaseOfAsync(elinSubject, "skolportalen");
        idp.Feed.SubjectReleaseRequests.Clear();

        var html = WebUtility.HtmlDecode(await elin.Browser.GetStringAsync(
            $"/mina-uppgifter?subject={anna}&sub={anna}&Subject={anna}&userName=anna.larare"));

        Assert.Contains("Skolportalen", html, StringComparison.Ordinal);
        Assert.Contains(FeedServer.PurposeOf("Skolportalen"), html, StringComparison.Ordinal);
        Assert.Contains("Uppgift av allmänt intresse", html, StringComparison.Ordinal);
        Assert.Contains("Förnamn", html, StringComparison.Ordinal);
        Assert.Contains("Elin", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Anna", html, StringComparison.Ordinal);
        var asked = Assert.Single(idp.Feed.SubjectReleaseRequests);
        Assert.Equal(elinSubject, asked.Subject);
        // The idp's own token for this one purpose: the register refuses any other.
        var token = new JsonWebToken(asked.Authorization!["Bearer ".Length..]);
        Assert.Equal("federation-idp", token.GetClaim("client_id").Value);
        Assert.Equal("federation-idp", token.Subject);
        Assert.Equal("federation.signin-events.subject", token.GetClaim("scope").Value);
    }

    [Fact]
    public async Task The_download_is_a_named_file_with_the_persons_data_and_releases_as_json_or_csv()
    {
        var (elin, subject) = await SignInAsync("elin.elev");
        await ReleaseOfAsync(subject, "skolportalen");

        var json = await elin.Browser.GetAsync($"/mina-uppgifter/download?format=json&subject=someone-else");
        var csv = await elin.Browser.GetAsync("/mina-uppgifter/download?format=csv");

        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("attachment", json.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches(@"^mina-uppgifter-\d{4}-\d{2}-\d{2}\.json$", json.Content.Headers.ContentDisposition!.FileNameStar);
        using var document = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.Equal(subject, root.GetProperty("subject").GetString());
        Assert.Contains(root.GetProperty("attributes").EnumerateArray(),
            a => a.GetProperty("label").GetString() == "Förnamn" && a.GetProperty("values")[0].GetString() == "Elin");
        var portal = Assert.Single(root.GetProperty("systems").EnumerateArray(), s => s.GetProperty("systemId").GetString() == "skolportalen");
        Assert.Equal(FeedServer.PurposeOf("Skolportalen"), portal.GetProperty("purposes")[0].GetString());
        Assert.Equal("Uppgift av allmänt intresse", portal.GetProperty("legalBasis")[0].GetString());

        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"^mina-uppgifter-\d{4}-\d{2}-\d{2}\.csv$", csv.Content.Headers.ContentDisposition!.FileNameStar);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Typ,Uppgift,Värden,System,Tidpunkt (UTC),Ändamål,Rättslig grund", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("Uppgift om dig,Förnamn,Elin,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Lämnades ut,", StringComparison.Ordinal) && l.Contains(",Skolportalen,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_register_does_not_answer_the_page_says_so_and_the_download_gives_no_file()
    {
        var (elin, subject) = await SignInAsync("elin.elev");
        await ReleaseOfAsync(subject, "skolportalen");
        idp.Feed.ReleasesDown = true;
        try
        {
            var page = WebUtility.HtmlDecode(await elin.Browser.GetStringAsync("/mina-uppgifter"));
            var download = await elin.Browser.GetAsync("/mina-uppgifter/download?format=json");

            // Not "no system received anything": that would say less than the truth.
            Assert.Contains("Systemregistret svarar inte just nu", page, StringComparison.Ordinal);
            Assert.DoesNotContain("Inga system har fått uppgifter om dig", page, StringComparison.Ordinal);
            Assert.Null(download.Content.Headers.ContentDisposition);
            Assert.Equal("text/html", download.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Systemregistret svarar inte just nu", WebUtility.HtmlDecode(await download.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        finally
        {
            idp.Feed.ReleasesDown = false;
        }
    }

    /// <summary>Signs in at the portal client; the relying party's browser keeps the idp session.</summary>
    private async Task<(RelyingParty Party, string Subject)> SignInAsync(string user)
    {
        var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        var (verifier, challenge) = RelyingParty.Pkce();
        var callback = await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, "openid profile"), user);
        var tokens = await rp.RedeemAsync(RelyingParty.Query(callback)["code"], verifier);
        return (rp, new JsonWebToken(tokens.IdToken).Subject);
    }

    private async Task<JsonElement> ReleaseOfAsync(string subject, string system)
    {
        JsonElement? found = null;
        await Eventually.TrueAsync(() =>
        {
            found = idp.Feed.SigninEvents.LastOrDefault(e => e.GetProperty("subject").GetString() == subject
                                                             && e.GetProperty("outcome").GetString() == "released"
                                                             && e.GetProperty("systemId").GetString() == system);
            return found is not null;
        }, what: $"a release to {system} posted to the register");
        return found!.Value;
    }
}
