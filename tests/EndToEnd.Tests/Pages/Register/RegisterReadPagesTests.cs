using System.Text;
using Federation.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Federation.EndToEnd.Tests.Pages.Register;

/// <summary>
/// The register's read pages in a real browser, signed in through the idp: the data protection
/// officer reads a system's audit history, the administrator filters and sorts the list, the
/// compliance overview draws its charts, the Art. 30 register prints and downloads as CSV, and a
/// teacher is refused with a page that says why. Every page visited is checked by axe-core and
/// photographed, and must show no enum name or raw code. Shares the federation's one stack.
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class RegisterReadPagesTests(FederationStack stack) : IAsyncLifetime
{
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();
        browser = await Chromium.LaunchAsync(playwright);
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    private string Register(string path) => new Uri(stack.Inventory.BaseAddress, path.TrimStart('/')).AbsoluteUri;

    /// <summary>A new browser (no shared cookies) that opens <paramref name="path"/> and signs in at the idp as <paramref name="userName"/>.</summary>
    private async Task<IPage> SignInAsync(string userName, string path)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "sv-SE", AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Register(path));
        Assert.StartsWith(stack.Idp.BaseAddress.AbsoluteUri, page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Användarnamn").FillAsync(userName);
        await page.GetByLabel("Lösenord").FillAsync(LoginForm.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForURLAsync(stack.Inventory.BaseAddress.AbsoluteUri + "register**");
        return page;
    }

    /// <summary>The text a person reads and the markup (addresses, form values) hold no raw code; axe-core and a screenshot.</summary>
    private static async Task CheckAsync(IPage page, string name)
    {
        Assert.Empty(RegisterRawCodes.FoundIn(await page.InnerTextAsync("body")));
        // Read before axe-core is added to the page, whose script is not the page's.
        Assert.Empty(RegisterRawCodes.FoundInMarkup(await page.ContentAsync()));
        await PageAudit.CheckAsync(page, name);
    }

    [Fact]
    public async Task The_data_protection_officer_reads_a_systems_audit_history_with_a_readable_before_and_after()
    {
        const string Before = "Verktyg för att följa upp it-användningen i skolan.";
        const string After = "Enkät om it-användningen i skolan, besvaras av personalen.";
        await stack.UpdateSystemAsync("lika", s => s["description"] = Before);
        await stack.UpdateSystemAsync("lika", s => s["description"] = After);

        var page = await SignInAsync("dana.dataskydd", "/register/systems/lika");
        await CheckAsync(page, "register-system-lika-dpo");

        var history = page.Locator("#history");
        var change = history.Locator("tr", new() { HasText = After }).First;
        var row = await change.InnerTextAsync();
        Assert.Contains("Beskrivning", row, StringComparison.Ordinal);
        Assert.Contains(Before, row, StringComparison.Ordinal);
        Assert.Contains("ulf.admin", await history.InnerTextAsync(), StringComparison.Ordinal);
        // A readable change, not the stored JSON document.
        Assert.DoesNotContain("{\"", await history.InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"description\"", await history.InnerTextAsync(), StringComparison.Ordinal);

        // She reads everything but edits nothing: no edit link.
        Assert.Equal(0, await page.Locator($"a[href$='/register/systems/lika/edit']").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_system_owner_sees_the_history_of_his_system_but_not_of_others()
    {
        var page = await SignInAsync("olle.systemagare", "/register/systems/procapita");
        await CheckAsync(page, "register-system-procapita-owner");
        Assert.Equal(1, await page.Locator("#history").CountAsync());
        Assert.Equal(1, await page.Locator("a[href$='/register/systems/procapita/edit']").CountAsync());

        await page.GotoAsync(Register("/register/systems/lika"));
        await CheckAsync(page, "register-system-lika-owner-of-other");
        Assert.Equal(0, await page.Locator("#history").CountAsync());
        Assert.Equal(0, await page.Locator("a[href$='/register/systems/lika/edit']").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_administrator_filters_and_sorts_the_list_and_the_view_is_a_link()
    {
        var page = await SignInAsync("ulf.admin", "/register");
        await CheckAsync(page, "register-systems");

        await page.GetByLabel("Livscykelfas").SelectOptionAsync(new SelectOptionValue { Label = "Driftsättning" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Visa" }).ClickAsync();
        await page.WaitForURLAsync("**phase=driftsattning**");
        await CheckAsync(page, "register-systems-filtered");
        Assert.Contains("1 system", await page.InnerTextAsync("#result-count"), StringComparison.Ordinal);
        Assert.Equal(["Ramverk för lärplattor (enhetshantering)"], await SystemNamesAsync(page));

        // The same view from the address alone, as a shared link.
        var shared = page.Url;
        await page.GotoAsync(Register("/register"));
        await page.GotoAsync(shared);
        Assert.Equal(["Ramverk för lärplattor (enhetshantering)"], await SystemNamesAsync(page));

        // Most findings first.
        await page.GotoAsync(Register("/register?sort=findings&dir=desc"));
        await CheckAsync(page, "register-systems-by-findings");
        var counts = await page.Locator("tbody td.findings").AllInnerTextsAsync();
        var numbers = counts.Select(c => int.Parse(c.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(numbers.OrderDescending(), numbers);
        Assert.True(numbers[0] > 0);

        await page.GetByLabel("Sök").FillAsync("finns-inte-i-registret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Visa" }).ClickAsync();
        await page.WaitForURLAsync("**q=finns-inte-i-registret**");
        await CheckAsync(page, "register-systems-none");
        Assert.Contains("Inga system matchar", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_system_page_shows_whether_a_client_has_a_secret_but_never_the_secret_or_its_hash()
    {
        var page = await SignInAsync("ulf.admin", "/register/systems/federation");
        await CheckAsync(page, "register-system-federation-admin");
        var text = await page.InnerTextAsync("main");
        Assert.Contains("Finns (visas aldrig)", await page.InnerTextAsync("#integration-details"), StringComparison.Ordinal);
        Assert.Contains("federation-gateway", text, StringComparison.Ordinal);
        var html = await page.ContentAsync();
        Assert.DoesNotContain(FederationStack.GatewaySecret, html, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("clientSecretHash", html, StringComparison.OrdinalIgnoreCase);
        // The administrator sees the history (the stack's own change of the redirect URIs) and the edit link.
        Assert.Contains("Återvändsadresser", await page.InnerTextAsync("#history"), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("a[href$='/register/systems/federation/edit']").CountAsync());

        // English by choice: the language link in the header, and back on the same page.
        await page.GetByRole(AriaRole.Link, new() { Name = "In English" }).ClickAsync();
        await page.WaitForSelectorAsync("html[lang=en]", new() { State = WaitForSelectorState.Attached });
        Assert.EndsWith("/register/systems/federation", page.Url, StringComparison.Ordinal);
        await CheckAsync(page, "register-system-federation-admin-en");
        var english = await page.InnerTextAsync("main");
        Assert.Contains("Record of processing", english, StringComparison.Ordinal);
        Assert.Contains("Use and support", english, StringComparison.Ordinal);
        Assert.Contains("Set (never shown)", english, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    private static async Task<List<string>> SystemNamesAsync(IPage page) =>
        [.. (await page.Locator("tbody th[scope=row]").AllInnerTextsAsync()).Select(n => n.Trim())];

    [Fact]
    public async Task The_compliance_overview_draws_its_charts_with_the_figures_as_tables()
    {
        var page = await SignInAsync("dana.dataskydd", "/register/compliance");
        await CheckAsync(page, "register-compliance");

        var charts = page.Locator("svg[role=img]");
        Assert.True(await charts.CountAsync() >= 2);
        for (var i = 0; i < await charts.CountAsync(); i++)
        {
            var chart = charts.Nth(i);
            Assert.False(string.IsNullOrWhiteSpace(await chart.Locator("title").First.TextContentAsync()));
            Assert.True(await chart.Locator("rect").CountAsync() > 0);
        }

        var text = await page.InnerTextAsync("main");
        Assert.Contains("Personuppgiftsbiträdesavtal saknas", text, StringComparison.Ordinal);
        Assert.Contains("Användning och support", text, StringComparison.Ordinal);
        Assert.Contains("Schoolsoft", text, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_article_30_register_prints_in_swedish_and_downloads_as_csv()
    {
        var page = await SignInAsync("dana.dataskydd", "/register/article30");
        await CheckAsync(page, "register-article30");
        var text = await page.InnerTextAsync("main");
        Assert.Contains("Användning och support", text, StringComparison.Ordinal);
        Assert.Contains("Personuppgiftsansvarig", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Fronter", text, StringComparison.Ordinal);

        // Printing hides the navigation and the buttons.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.False(await page.Locator(".actions").First.IsVisibleAsync());
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Screen });

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "CSV" }).First.ClickAsync());
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path!);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var csv = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("System-id", csv, StringComparison.Ordinal);
        Assert.Contains("Användning och support", csv, StringComparison.Ordinal);
        Assert.Empty(RegisterRawCodes.FoundIn(csv));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_teacher_is_refused_with_a_page_that_says_why()
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "sv-SE" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Register("/register/compliance"));
        await page.GetByLabel("Användarnamn").FillAsync("anna.larare");
        await page.GetByLabel("Lösenord").FillAsync(LoginForm.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForLoadStateAsync();

        // The register's own system admits only the register's roles, so the idp refuses her and says why.
        // (Should the idp let her in, the register refuses her itself: RegisterSignInTests shows that path.)
        await AssertRefusedAsync(page);
        await CheckAsync(page, "register-refused-teacher");
        foreach (var path in new[] { "/register", "/register/systems/procapita", "/register/compliance", "/register/article30/csv" })
        {
            await page.GotoAsync(Register(path));
            await AssertRefusedAsync(page);
        }

        // The register's refusal page (for a session without a register role) says who may use the register.
        await page.GotoAsync(Register("/register/refused"));
        await CheckAsync(page, "register-refused-page");
        var text = await page.InnerTextAsync("main");
        Assert.Contains("dataskyddsombudet", text, StringComparison.Ordinal);
        Assert.Contains("systemägare", text, StringComparison.Ordinal);
        await context.CloseAsync();
    }

    /// <summary>Refused with a reason, at the idp or by the register, and nothing of the register shown.</summary>
    private async Task AssertRefusedAsync(IPage page)
    {
        var main = await page.InnerTextAsync("main");
        if (page.Url.StartsWith(stack.Idp.BaseAddress.AbsoluteUri, StringComparison.Ordinal))
        {
            Assert.Contains("Systemregistret", main, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("/register/refused", page.Url, StringComparison.Ordinal);
            Assert.Contains("anna.larare", main, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Bildningsnämnden", await page.ContentAsync(), StringComparison.Ordinal);
    }
}
