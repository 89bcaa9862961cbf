using Federation.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Federation.EndToEnd.Tests.Pages.Portal;

/// <summary>
/// The gateway's start page in a real browser: after sign-in, the systems the person may use as
/// tiles (the access decision of the demo register's policies), systems in Avveckling marked, and a
/// sign-out that ends the session at the gateway and at the idp. Every page visited passes axe.
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class PortalTests(FederationStack stack) : IAsyncLifetime
{
    /// <summary>The systems of the demo register (other tests may add their own to the shared stack).</summary>
    private static readonly string[] DemoSystems =
    [
        "federation", "register", "procapita", "schoolsoft", "google-workspace", "microsoft-365", "intranat",
        "e-skolskjuts", "e-modersmal", "e-barnomsorg", "e-gymnasieansokan", "forskoleportalen", "ils", "lika", "larplattor", "fronter",
    ];

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private string Gateway => stack.Gateway.BaseAddress.AbsoluteUri;

    private Task<IBrowserContext> NewContextAsync() => _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "sv-SE" });

    /// <summary>From the portal's sign-in link through the idp's login page back to the portal.</summary>
    private async Task<IPage> SignInAtPortalAsync(IBrowserContext context, string userName, string name)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(Gateway);
        await PageAudit.CheckAsync(page, "portal-signed-out");
        await page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForURLAsync(stack.Idp.BaseAddress.AbsoluteUri + "**");
        await PageAudit.CheckAsync(page, "portal-idp-login");
        await page.GetByLabel("Användarnamn").FillAsync(userName);
        await page.GetByLabel("Lösenord").FillAsync(LoginForm.DemoPassword);
        await page.Locator("main form").GetByRole(AriaRole.Button).First.ClickAsync();
        await page.WaitForURLAsync(Gateway);
        await PageAudit.CheckAsync(page, name);
        return page;
    }

    private static async Task<IReadOnlyList<string>> DemoTilesAsync(IPage page) =>
        [.. (await page.Locator("li.tile").EvaluateAllAsync<string[]>("tiles => tiles.map(t => t.dataset.system)")).Where(DemoSystems.Contains).Order()];

    [Fact]
    public async Task A_student_sees_exactly_the_systems_the_registers_policies_let_her_use()
    {
        await using var context = await NewContextAsync();

        var page = await SignInAtPortalAsync(context, "elin.elev", "portal-student");

        // Schoolsoft, Google and the tablets let students in; the e-services anyone at loa3 (after a
        // step-up); the intranet, ProCapita, Microsoft 365 and the principals' systems do not.
        Assert.Equal(
            ["e-barnomsorg", "e-gymnasieansokan", "e-modersmal", "e-skolskjuts", "google-workspace", "larplattor", "schoolsoft"],
            await DemoTilesAsync(page));
        Assert.Equal("Schoolsoft", (await page.Locator("li.tile[data-system=schoolsoft] h2").InnerTextAsync()).Trim());
        Assert.Equal(0, await page.Locator("li.tile[data-system=intranat]").CountAsync());
        Assert.Contains("Kräver starkare inloggning", await page.Locator("li.tile[data-system=e-skolskjuts]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(stack.Schoolsoft.BaseAddress.AbsoluteUri, await page.Locator("li.tile[data-system=schoolsoft] a").GetAttributeAsync("href"));
    }

    [Fact]
    public async Task A_teacher_sees_other_systems_and_opens_the_intranet_through_its_tile()
    {
        await using var context = await NewContextAsync();
        var page = await SignInAtPortalAsync(context, "anna.larare", "portal-teacher");

        var tiles = await DemoTilesAsync(page);
        Assert.Contains("intranat", tiles);
        Assert.Contains("microsoft-365", tiles);
        Assert.Contains("schoolsoft", tiles);
        Assert.DoesNotContain("procapita", tiles);
        Assert.DoesNotContain("ils", tiles);

        await page.Locator("li.tile[data-system=intranat] a").ClickAsync();
        await page.WaitForURLAsync(Gateway + "intranat/");
        await PageAudit.CheckAsync(page, "intranat-through-the-gateway");
        var text = await page.InnerTextAsync("body");
        Assert.Contains("Intranätet", text, StringComparison.Ordinal);
        Assert.Contains("Signaturen från porten stämmer", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_system_being_retired_is_marked_with_its_notice_in_Swedish_and_in_English()
    {
        await using var context = await NewContextAsync();
        var page = await SignInAtPortalAsync(context, "rolf.rektor", "portal-principal");

        var ils = page.Locator("li.tile[data-system=ils]");
        Assert.Equal("Avvecklas", (await ils.Locator(".badge-warning").InnerTextAsync()).Trim());
        Assert.Contains("håller på att avvecklas", await ils.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("li.tile[data-system=lika] .badge-warning").CountAsync());

        await page.Locator("a[hreflang=en]").ClickAsync();
        await page.WaitForURLAsync(Gateway);
        await PageAudit.CheckAsync(page, "portal-principal-english");
        Assert.Equal("The school's systems", (await page.InnerTextAsync("main h1")).Trim());
        Assert.Equal("Being retired", (await page.Locator("li.tile[data-system=ils] .badge-warning").InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task Signing_out_ends_the_gateway_session_for_good_and_the_idp_session()
    {
        await using var context = await NewContextAsync();
        var page = await SignInAtPortalAsync(context, "elin.elev", "portal-before-sign-out");
        var session = (await context.CookiesAsync([Gateway])).Where(c => c.Name.StartsWith("federation.session", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(session);

        await page.GetByRole(AriaRole.Button, new() { Name = "Logga ut" }).ClickAsync();
        // The idp has the person's session, and asks before it ends it (a link alone must not sign anyone out).
        await page.WaitForURLAsync(stack.Idp.BaseAddress.AbsoluteUri + "signout**");
        await PageAudit.CheckAsync(page, "portal-idp-sign-out");
        await page.Locator("form[action='/connect/endsession'] button").ClickAsync();
        await page.WaitForURLAsync(Gateway);
        await PageAudit.CheckAsync(page, "portal-after-sign-out");
        Assert.Equal(0, await page.Locator("li.tile").CountAsync());

        // A copy of the old session cookie (another browser, a stolen one) opens nothing any more.
        await using var copy = await NewContextAsync();
        await copy.AddCookiesAsync(session.Select(c => new Cookie
        {
            Name = c.Name,
            Value = c.Value,
            Domain = c.Domain,
            Path = c.Path,
            HttpOnly = c.HttpOnly,
            Secure = c.Secure,
            SameSite = c.SameSite,
        }));
        var replayed = await copy.NewPageAsync();
        await replayed.GotoAsync(Gateway);
        await PageAudit.CheckAsync(replayed, "portal-old-cookie");
        Assert.Equal(0, await replayed.Locator("li.tile").CountAsync());
        Assert.Equal(1, await replayed.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Logga in" }).CountAsync());

        // The idp's session ended too: signing in again asks for the password, not single sign-on.
        await page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForURLAsync(stack.Idp.BaseAddress.AbsoluteUri + "**");
        await PageAudit.CheckAsync(page, "portal-idp-login-again");
        Assert.True(LoginForm.IsLoginPage(new Uri(page.Url)), page.Url);
    }
}
