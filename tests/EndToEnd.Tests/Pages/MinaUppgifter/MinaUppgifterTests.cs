using System.Text;
using System.Text.Json;
using Federation.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Federation.EndToEnd.Tests.Pages.MinaUppgifter;

/// <summary>
/// "Mina uppgifter" in a real browser against the whole federation: the idp records the release
/// when a student signs in through the gateway, the register keeps it, and the student sees it on
/// the idp's page with the system's purpose and legal basis from the register, and downloads it.
/// Also every page of the idp a person meets passes the accessibility audit.
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class MinaUppgifterTests(FederationStack stack)
{
    /// <summary>The gateway's own system in the demo register: signing in there releases what its access decision needs.</summary>
    private const string GatewaySystem = "Federationen (inloggning och systemregister)";

    private const string GatewayPurpose = "Säker gemensam inloggning (single sign-on) till skolans system";

    private const string PublicTask = "Allmänt intresse eller myndighetsutövning (art. 6.1 e)";

    private string Idp(string path) => new Uri(stack.Idp.BaseAddress, path).AbsoluteUri;

    private static async Task SignInAsync(IPage page, string userName, string password = LoginForm.DemoPassword)
    {
        await page.GetByLabel("Användarnamn").FillAsync(userName);
        await page.GetByLabel("Lösenord").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in", Exact = true }).ClickAsync();
    }

    [Fact]
    public async Task A_student_signs_in_to_a_system_and_sees_what_it_received_with_purpose_and_legal_basis_and_downloads_it()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "sv-SE", AcceptDownloads = true });
        var page = await context.NewPageAsync();

        // Not signed in: the page sends the student to the idp's login form, and back after it.
        await page.GotoAsync(Idp("mina-uppgifter"));
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        await PageAudit.CheckAsync(page, "idp-login");

        // She signs in to the gateway (a system of the register): the idp releases attributes to it.
        await page.GotoAsync(new Uri(stack.Gateway.BaseAddress, "account/signin").AbsoluteUri);
        await SignInAsync(page, "elin.elev");
        await page.WaitForURLAsync(stack.Gateway.BaseAddress.AbsoluteUri + "**");
        await PageAudit.CheckAsync(page, "gateway-after-student-signin");

        // The release reaches the register through the idp's outbox: reload until it is there (bounded).
        await page.GotoAsync(Idp("mina-uppgifter"));
        await Eventually.TrueAsync(async () =>
        {
            if ((await page.InnerTextAsync("main")).Contains(GatewaySystem, StringComparison.Ordinal))
            {
                return true;
            }
            await page.ReloadAsync();
            return false;
        }, seconds: 30, what: "the gateway's release on Mina uppgifter");
        await PageAudit.CheckAsync(page, "idp-mina-uppgifter");

        Assert.Equal("Mina uppgifter", (await page.InnerTextAsync("h1")).Trim());
        var held = await page.GetByRole(AriaRole.Table, new() { Name = "Uppgifter som federationen har om dig" }).InnerTextAsync();
        Assert.Contains("Förnamn", held, StringComparison.Ordinal);
        Assert.Contains("Elin", held, StringComparison.Ordinal);
        Assert.Contains("Personnummer", held, StringComparison.Ordinal);
        var system = page.Locator("article", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = GatewaySystem }) });
        var shown = await system.InnerTextAsync();
        Assert.Contains(GatewayPurpose, shown, StringComparison.Ordinal);
        Assert.Contains(PublicTask, shown, StringComparison.Ordinal);
        // What the gateway's release list gives it, by the attributes' Swedish names; never her personnummer.
        var released = await system.GetByRole(AriaRole.Table).InnerTextAsync();
        Assert.Contains("Roller", released, StringComparison.Ordinal);
        Assert.Contains("Skolenheter", released, StringComparison.Ordinal);
        Assert.DoesNotContain("Personnummer", released, StringComparison.Ordinal);

        // The same as a file (Art. 15), JSON and CSV, with her data and the release.
        var json = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Ladda ned som JSON" }).ClickAsync());
        Assert.Matches(@"^mina-uppgifter-\d{4}-\d{2}-\d{2}\.json$", json.SuggestedFilename);
        using (var document = JsonDocument.Parse(await File.ReadAllTextAsync((await json.PathAsync())!)))
        {
            var root = document.RootElement;
            Assert.Equal("elin.elev", root.GetProperty("userName").GetString());
            var federation = Assert.Single(root.GetProperty("systems").EnumerateArray(), s => s.GetProperty("systemId").GetString() == "federation");
            Assert.Equal(GatewaySystem, federation.GetProperty("name").GetString());
            Assert.Contains(GatewayPurpose, federation.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()));
            Assert.Equal([PublicTask], federation.GetProperty("legalBasis").EnumerateArray().Select(p => p.GetString()));
            var attributes = federation.GetProperty("releases")[0].GetProperty("attributes").EnumerateArray().Select(a => a.GetString()).ToList();
            Assert.Contains("roles", attributes);
            Assert.DoesNotContain("personnummer", attributes);
            Assert.Equal(90, root.GetProperty("retentionDays").GetInt32());
        }
        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Ladda ned som CSV" }).ClickAsync());
        Assert.Matches(@"^mina-uppgifter-\d{4}-\d{2}-\d{2}\.csv$", csv.SuggestedFilename);
        var lines = Encoding.UTF8.GetString(await File.ReadAllBytesAsync((await csv.PathAsync())!)).TrimStart('\uFEFF')
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("Lämnades ut,", StringComparison.Ordinal) && l.Contains(GatewaySystem, StringComparison.Ordinal)
                                    && l.Contains(PublicTask, StringComparison.Ordinal));

        // In English by choice.
        await page.GetByRole(AriaRole.Link, new() { Name = "In English" }).ClickAsync();
        await page.WaitForURLAsync("**/mina-uppgifter");
        Assert.Equal("My data", (await page.InnerTextAsync("h1")).Trim());
        await PageAudit.CheckAsync(page, "idp-my-data-en");
        await page.GetByRole(AriaRole.Link, new() { Name = "På svenska" }).ClickAsync();
        await page.WaitForURLAsync("**/mina-uppgifter");

        // The idp's start page links here and to sign-out; the header's sign-out ends the session.
        await page.GotoAsync(Idp(""));
        await PageAudit.CheckAsync(page, "idp-start");
        Assert.True(await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Mina uppgifter" }).IsVisibleAsync());
        Assert.True(await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Logga ut" }).IsVisibleAsync());
        await page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Logga ut" }).ClickAsync();
        await page.WaitForURLAsync("**/signed-out");
        await PageAudit.CheckAsync(page, "idp-signed-out");

        // Signed out: neither the page nor the file is served any more.
        await page.GotoAsync(Idp("mina-uppgifter"));
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        var download = await context.APIRequest.GetAsync(Idp("mina-uppgifter/download?format=json"), new() { MaxRedirects = 0 });
        Assert.Equal(302, download.Status);
        Assert.Equal("/login", new Uri(stack.Idp.BaseAddress, download.Headers["location"]).AbsolutePath);
    }

    [Fact]
    public async Task The_idps_login_mfa_denied_and_error_pages_pass_the_accessibility_audit()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);

        // A wrong password: the announced error.
        var login = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "sv-SE" });
        await login.GotoAsync(Idp("login"));
        await SignInAsync(login, "elin.elev", "Inte-Hennes-Losenord-1");
        Assert.True(await login.GetByRole(AriaRole.Alert).IsVisibleAsync());
        await PageAudit.CheckAsync(login, "idp-login-error");

        // The second factor: the form, then a wrong code.
        var mfa = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "sv-SE" });
        await mfa.GotoAsync(Idp("login?ReturnUrl=" + Uri.EscapeDataString("/mfa?ReturnUrl=%2F")));
        await SignInAsync(mfa, "rolf.rektor");
        await mfa.WaitForURLAsync("**/mfa**");
        await PageAudit.CheckAsync(mfa, "idp-mfa");
        await mfa.GetByLabel("Engångskod (6 siffror)").FillAsync("000000");
        await mfa.GetByRole(AriaRole.Button, new() { Name = "Bekräfta" }).ClickAsync();
        Assert.True(await mfa.GetByRole(AriaRole.Alert).IsVisibleAsync());
        await PageAudit.CheckAsync(mfa, "idp-mfa-error");

        // The register admits no student: the idp says so before the register is reached.
        var denied = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "sv-SE" });
        await denied.GotoAsync(new Uri(stack.Inventory.BaseAddress, "register").AbsoluteUri);
        await SignInAsync(denied, "elin.elev");
        await denied.WaitForURLAsync("**/denied**");
        Assert.Contains("Systemregistret", await denied.InnerTextAsync("main"), StringComparison.Ordinal);
        await PageAudit.CheckAsync(denied, "idp-denied");

        // A sign-in request from a client the register does not know.
        var error = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "sv-SE" });
        var response = await error.GotoAsync(Idp("connect/authorize?client_id=okand-klient&response_type=code&scope=openid&redirect_uri="
                                                  + Uri.EscapeDataString("http://127.0.0.1:1/cb")));
        Assert.Equal(400, response!.Status);
        Assert.Equal("Något gick fel", (await error.InnerTextAsync("h1")).Trim());
        await PageAudit.CheckAsync(error, "idp-error");
    }
}
