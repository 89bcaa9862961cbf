using Federation.Idp.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Federation.Idp.Tests.Pages;

/// <summary>A real browser (Debian's chromium) signs in through the UI, keyboard only, no JavaScript needed.</summary>
public sealed class BrowserSignInTests(IdpHost idp) : IClassFixture<IdpHost>
{
    private static async Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });

    [Fact]
    public async Task A_person_signs_in_with_the_keyboard_and_the_client_gets_a_code()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        // The UI must work without JavaScript.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, Locale = "sv-SE" });
        var page = await context.NewPageAsync();
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        var (verifier, challenge) = RelyingParty.Pkce();

        await page.GotoAsync(new Uri(idp.BaseAddress, rp.AuthorizeUrl(challenge, "openid profile")).AbsoluteUri);

        Assert.Equal("sv", await page.GetAttributeAsync("html", "lang"));
        await page.GetByLabel("Användarnamn").FocusAsync();
        await page.Keyboard.TypeAsync("anna.larare");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("password", await page.EvaluateAsync<string>("document.activeElement.id"));
        await page.Keyboard.TypeAsync(RelyingParty.DefaultPassword);
        // Nothing listens at the client's address: the request the browser makes there is the proof.
        var callback = await page.RunAndWaitForRequestAsync(() => page.Keyboard.PressAsync("Enter"),
            r => r.Url.StartsWith(TestSystems.PortalRedirect, StringComparison.Ordinal));

        var tokens = await rp.RedeemAsync(RelyingParty.Query(new Uri(callback.Url))["code"], verifier);
        Assert.Equal("Anna", new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.IdToken).GetClaim("given_name").Value);
    }

    [Fact]
    public async Task A_wrong_password_shows_an_announced_error_in_english_when_chosen()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "sv-SE" });

        await page.GotoAsync(new Uri(idp.BaseAddress, "/login").AbsoluteUri);
        await page.GetByRole(AriaRole.Link, new() { Name = "In English" }).ClickAsync();
        await page.GetByLabel("User name").FillAsync("elin.elev");
        await page.GetByLabel("Password").FillAsync("Not-The-Password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var alert = page.GetByRole(AriaRole.Alert);
        Assert.StartsWith("Sign-in failed.", (await alert.InnerTextAsync()).Trim(), StringComparison.Ordinal);
        Assert.Equal("login-error", await page.GetByLabel("User name").GetAttributeAsync("aria-describedby"));
    }
}
