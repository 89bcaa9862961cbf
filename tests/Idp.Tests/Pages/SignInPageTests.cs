using System.Net;
using Federation.Idp.Tests.Infrastructure;

namespace Federation.Idp.Tests.Pages;

/// <summary>The sign-in UI over plain HTTP: language, labels, CSRF protection.</summary>
public sealed class SignInPageTests(IdpHost idp) : IClassFixture<IdpHost>
{
    [Fact]
    public async Task The_login_page_is_swedish_by_default_with_labelled_fields()
    {
        using var browser = idp.CreateBrowser();

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync("/login"));

        Assert.Contains("<html lang=\"sv\">", page, StringComparison.Ordinal);
        Assert.Contains("<label for=\"username\">Användarnamn</label>", page, StringComparison.Ordinal);
        Assert.Contains("<label for=\"password\">Lösenord</label>", page, StringComparison.Ordinal);
        Assert.Contains("name=\"__RequestVerificationToken\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_browser_language_english_gives_english()
    {
        using var browser = idp.CreateBrowser(acceptLanguage: "en-GB");

        var page = await browser.GetStringAsync("/login");

        Assert.Contains("<html lang=\"en\">", page, StringComparison.Ordinal);
        Assert.Contains("User name", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Choosing_english_is_remembered_over_the_browser_language()
    {
        using var browser = idp.CreateBrowser(acceptLanguage: "sv-SE");

        var choose = await browser.GetAsync("/culture?c=en&returnUrl=%2Flogin");
        Assert.Equal("/login", choose.Headers.Location!.OriginalString);
        var page = await browser.GetStringAsync("/login");

        Assert.Contains("Sign in", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_language_switch_never_redirects_off_site()
    {
        using var browser = idp.CreateBrowser();

        var choose = await browser.GetAsync("/culture?c=en&returnUrl=https%3A%2F%2Fevil.example%2F");

        Assert.Equal("/", choose.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_login_post_without_the_antiforgery_token_is_refused()
    {
        using var browser = idp.CreateBrowser();
        await browser.GetStringAsync("/login");

        var response = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "anna.larare",
            ["Password"] = RelyingParty.DefaultPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("federation.session=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_login_never_returns_to_another_site()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);

        var response = await rp.SubmitFormAsync("/login?ReturnUrl=%2F%2Fevil.example%2F",
            new() { ["UserName"] = "anna.larare", ["Password"] = RelyingParty.DefaultPassword });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }
}
