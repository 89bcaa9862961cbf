using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Federation.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Federation.EndToEnd.Tests.Pages.Register;

/// <summary>
/// The register's write pages in a real browser: create with the validation beside the field, the
/// finding a change raises and its resolution, lifecycle steps, a concurrency conflict from a second
/// browser, CSV export and import with preview, the owner's and the reader's limits, keyboard only.
/// Every page visited passes <see cref="PageAudit"/>. The tests change only systems they create,
/// and procapita's description, so the other tests of the stack see the demo register.
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class RegisterEditPagesTests(FederationStack stack)
{
    private string Url(string path) => new Uri(stack.Inventory.BaseAddress, path).AbsoluteUri;

    /// <summary>A fresh browser context (no cookies), signed in at the idp as <paramref name="userName"/>, on <paramref name="path"/>.</summary>
    private async Task<IPage> SignInAsync(IBrowser browser, string userName, string path)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "sv-SE" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url(path));
        await page.GetByLabel("Användarnamn").FillAsync(userName);
        await page.GetByLabel("Lösenord").FillAsync(LoginForm.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForLoadStateAsync();
        return page;
    }

    private async Task<JsonObject> SystemAsync(string id)
    {
        using var client = new HttpClient { BaseAddress = stack.Inventory.BaseAddress };
        return JsonNode.Parse(await client.GetStringAsync($"api/systems/{id}"))!.AsObject();
    }

    private static ILocator Field(IPage page, string label) => page.GetByLabel(label, new() { Exact = true });

    private static Task Check(IPage page, string label) => Field(page, label).CheckAsync();

    [Fact]
    public async Task The_administrator_creates_fixes_resolves_steps_meets_a_conflict_exports_and_imports()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await SignInAsync(browser, "ulf.admin", "register/systems/new");
        await page.WaitForURLAsync(Url("register/systems/new"));
        await PageAudit.CheckAsync(page, "register-system-new");

        // A release whose personal-data category is not registered: the register's rule says so beside the field.
        await Field(page, "Id (kortnamn) *").FillAsync("skolbiblioteket");
        await Field(page, "Namn *").FillAsync("Skolbiblioteket");
        await Field(page, "Kategori *").FillAsync("lärplattform");
        await Field(page, "Systemägare *").FillAsync("Bildningsförvaltningen");
        await Field(page, "Systemförvaltare *").FillAsync("Utvecklingsavdelningen");
        await Field(page, "Personuppgiftsansvarig *").FillAsync("Bildningsnämnden");
        await Field(page, "Kontaktuppgifter till personuppgiftsansvarig *").FillAsync("bn@kommun.example.se");
        await Field(page, "Ändamål").FillAsync("Utlån av böcker\nLäsfrämjande");
        await Check(page, "Allmänt intresse eller myndighetsutövning (art. 6.1 e)");
        await Check(page, "Användaridentitet");
        await Check(page, "Uppgifter om hälsa");
        await Check(page, "name (Namn)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara systemet" }).ClickAsync();

        var error = page.Locator("#f-access-release-error");
        Assert.Contains("får inte lämnas ut", await error.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await page.Locator("#f-access-release").GetAttributeAsync("aria-invalid"));
        Assert.Contains("f-access-release-error", await page.Locator("#f-access-release").GetAttributeAsync("aria-describedby") ?? "", StringComparison.Ordinal);
        Assert.Equal("error-summary", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Equal("#f-access-release", await page.Locator("#error-summary a").First.GetAttributeAsync("href"));
        Assert.Equal("Skolbiblioteket", await Field(page, "Namn *").InputValueAsync());
        Assert.Equal("Utlån av böcker\nLäsfrämjande", await Field(page, "Ändamål").InputValueAsync());
        Assert.True(await Field(page, "Uppgifter om hälsa").IsCheckedAsync());
        await PageAudit.CheckAsync(page, "register-system-new-error");

        // Fixed: the category is registered. Saved; health data without a DPIA is a finding to resolve.
        await Check(page, "Namn");
        await SaveAsync(page, "Spara systemet", "register/systems/skolbiblioteket");
        Assert.Equal("Skolbiblioteket", (await SystemAsync("skolbiblioteket"))["name"]!.GetValue<string>());

        await page.GotoAsync(Url("register/systems/skolbiblioteket/edit"));
        var finding = page.Locator("li.finding[data-rule=SPECIAL_CATEGORY_WITHOUT_DPIA]");
        Assert.Contains("Känsliga personuppgifter utan konsekvensbedömning", await finding.InnerTextAsync(), StringComparison.Ordinal);
        await PageAudit.CheckAsync(page, "register-system-edit-finding");
        await finding.GetByRole(AriaRole.Link).ClickAsync();
        Assert.Equal("f-processing-dpiaDone", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.PressAsync("Space");
        await SaveAsync(page, "Spara ändringarna", "register/systems/skolbiblioteket");
        await page.GotoAsync(Url("register/systems/skolbiblioteket/edit"));
        Assert.True(await page.Locator("#no-findings").IsVisibleAsync());

        // Lifecycle: one step forward with what it means for the federation; a skipped step is refused.
        await page.GetByRole(AriaRole.Link, new() { Name = "För till Driftsättning" }).ClickAsync();
        Assert.Contains("Systemet införs", await page.Locator("#meaning").InnerTextAsync(), StringComparison.Ordinal);
        await PageAudit.CheckAsync(page, "register-system-lifecycle");
        await SaveAsync(page, "Ja, för systemet till Driftsättning", "register/systems/skolbiblioteket");
        Assert.Equal("Driftsattning", (await SystemAsync("skolbiblioteket"))["lifecycle"]!.GetValue<string>());
        await page.GotoAsync(Url("register/systems/skolbiblioteket/lifecycle?to=Avvecklad"));
        Assert.Contains("kan inte hoppas över", await page.Locator("#refusal").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Ja, för systemet till Avvecklad" }).CountAsync());
        await PageAudit.CheckAsync(page, "register-system-lifecycle-refused");

        // Two browsers edit at once: the second save sees the first one's change and keeps its own input.
        var other = await SignInAsync(browser, "ulf.admin", "register/systems/skolbiblioteket/edit");
        await page.GotoAsync(Url("register/systems/skolbiblioteket/edit"));
        await Field(other, "Leverantör").FillAsync("Bokbolaget AB");
        await SaveAsync(other, "Spara ändringarna", "register/systems/skolbiblioteket");
        await Field(page, "Namn *").FillAsync("Skolbiblioteket i Björkskolan");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara ändringarna" }).ClickAsync();

        var conflict = page.Locator("#conflict");
        Assert.Contains("Någon annan har ändrat systemet medan du redigerade", await conflict.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Bokbolaget AB", await conflict.Locator("table").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Skolbiblioteket i Björkskolan", await conflict.Locator("table").Last.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Skolbiblioteket i Björkskolan", await Field(page, "Namn *").InputValueAsync());
        Assert.Equal("Bokbolaget AB", await Field(page, "Leverantör").InputValueAsync());
        await PageAudit.CheckAsync(page, "register-system-conflict");
        await SaveAsync(page, "Spara ändringarna", "register/systems/skolbiblioteket");
        var saved = await SystemAsync("skolbiblioteket");
        Assert.Equal("Skolbiblioteket i Björkskolan", saved["name"]!.GetValue<string>());
        Assert.Equal("Bokbolaget AB", saved["vendor"]!.GetValue<string>());

        // Export, change a name and add a system in the file, preview, apply.
        await page.GotoAsync(Url("register/import"));
        await PageAudit.CheckAsync(page, "register-import");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Ladda ner registret som CSV" }).ClickAsync());
        var exported = await File.ReadAllTextAsync((await download.PathAsync())!);
        var row = exported.Split("\r\n").Single(l => l.StartsWith("skolbiblioteket,", StringComparison.Ordinal));
        var csv = exported.Split("\r\n")[0] + "\r\n"
            + row.Replace("Skolbiblioteket i Björkskolan", "Skolbiblioteket (importerat)", StringComparison.Ordinal) + "\r\n"
            + row.Replace("skolbiblioteket,", "skolbiblioteket-ek,", StringComparison.Ordinal) + "\r\n";
        await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "register.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Förhandsgranska" }).ClickAsync();

        var changed = page.Locator("article[data-system=skolbiblioteket]");
        Assert.Equal("Changed", await changed.GetAttributeAsync("data-status"));
        Assert.Contains("Skolbiblioteket (importerat)", await changed.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("New", await page.Locator("article[data-system=skolbiblioteket-ek]").GetAttributeAsync("data-status"));
        Assert.Equal("Skolbiblioteket i Björkskolan", (await SystemAsync("skolbiblioteket"))["name"]!.GetValue<string>());
        await PageAudit.CheckAsync(page, "register-import-preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Genomför" }).ClickAsync();
        Assert.Contains("1 nya, 1 ändrade", await page.Locator("#import-done").InnerTextAsync(), StringComparison.Ordinal);
        await PageAudit.CheckAsync(page, "register-import-done");
        Assert.Equal("Skolbiblioteket (importerat)", (await SystemAsync("skolbiblioteket"))["name"]!.GetValue<string>());
        Assert.Equal("Driftsattning", (await SystemAsync("skolbiblioteket-ek"))["lifecycle"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_owner_edits_procapita_but_not_another_system_nor_who_owns_it_and_the_officer_changes_nothing()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await SignInAsync(browser, "olle.systemagare", "register/systems/procapita/edit");
        await page.WaitForURLAsync(Url("register/systems/procapita/edit"));
        Assert.NotNull(await Field(page, "Systemägarens konton").GetAttributeAsync("readonly"));
        await PageAudit.CheckAsync(page, "register-system-edit-owner");

        await Field(page, "Beskrivning").FillAsync("Elevadministration (beskrivningen ändrad av systemägaren).");
        await SaveAsync(page, "Spara ändringarna", "register/systems/procapita");
        Assert.Equal("Elevadministration (beskrivningen ändrad av systemägaren).", (await SystemAsync("procapita"))["description"]!.GetValue<string>());

        await page.GotoAsync(Url("register/systems/lika/edit"));
        Assert.Equal(Url("register/refused"), page.Url);
        await PageAudit.CheckAsync(page, "register-refused-owner");

        // The form's POST by hand, past the page: another's system, and himself as owner of his own.
        await page.GotoAsync(Url("register/systems/procapita/edit"));
        var token = await page.Locator("#system-form input[name=__RequestVerificationToken]").InputValueAsync();
        var version = await page.Locator("#system-form input[name=version]").InputValueAsync();
        var lika = await SystemAsync("lika");
        var onLika = await page.APIRequest.PostAsync(Url("register/systems/lika/edit"), new()
        {
            Form = Form(page, token, ("version", "1"), ("name", "Kapad"), ("ownerAccounts", "olle.systemagare@skola.example.se")),
            MaxRedirects = 0,
        });
        Assert.Equal((int)HttpStatusCode.Redirect, onLika.Status);
        Assert.EndsWith("/register/refused", onLika.Headers["location"], StringComparison.Ordinal);
        Assert.Equal(lika.ToJsonString(), (await SystemAsync("lika")).ToJsonString());

        var before = await SystemAsync("procapita");
        var owners = await page.APIRequest.PostAsync(Url("register/systems/procapita/edit"), new()
        {
            Form = await FilledForm(page, token, ("version", version), ("ownerAccounts", "olle.systemagare@skola.example.se\nkompis@skola.example.se")),
            MaxRedirects = 0,
        });
        Assert.Equal((int)HttpStatusCode.BadRequest, owners.Status);
        Assert.Contains("Bara registeradministratörer kan ändra vilka som äger systemet", WebUtility.HtmlDecode(await owners.TextAsync()), StringComparison.Ordinal);
        Assert.Equal(before.ToJsonString(), (await SystemAsync("procapita")).ToJsonString());

        // The data protection officer reads the register but an edit POST is refused.
        var officer = await SignInAsync(browser, "dana.dataskydd", "register");
        await officer.GotoAsync(Url("register/systems/procapita/edit"));
        Assert.Equal(Url("register/refused"), officer.Url);
        var officerToken = await officer.Locator("form.signout input[name=__RequestVerificationToken]").InputValueAsync();
        var officerPost = await officer.APIRequest.PostAsync(Url("register/systems/procapita/edit"), new()
        {
            Form = Form(officer, officerToken, ("version", version), ("name", "Ändrad av dataskyddsombudet")),
            MaxRedirects = 0,
        });
        Assert.Equal((int)HttpStatusCode.Redirect, officerPost.Status);
        Assert.Equal(before.ToJsonString(), (await SystemAsync("procapita")).ToJsonString());
    }

    [Fact]
    public async Task A_teacher_is_refused_editing()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);

        var page = await SignInAsync(browser, "anna.larare", "register/systems/procapita/edit");

        // The register's own system admits only its roles: the idp refuses her and says why; no form is reached.
        Assert.StartsWith(stack.Idp.BaseAddress.AbsoluteUri, page.Url, StringComparison.Ordinal);
        Assert.Contains("Systemregistret", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#system-form").CountAsync());
        await PageAudit.CheckAsync(page, "register-edit-teacher-refused");
    }

    [Fact]
    public async Task The_create_form_is_filled_and_sent_with_the_keyboard_only()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await SignInAsync(browser, "ulf.admin", "register/systems/new");
        await page.WaitForURLAsync(Url("register/systems/new"));
        await PageAudit.CheckAsync(page, "register-system-new-keyboard");

        await TabToAsync(page, "f-id");
        await page.Keyboard.TypeAsync("tangentbordet");
        foreach (var (field, text) in new[]
                 {
                     ("f-name", "Tangentbordssystemet"), ("f-category", "e-tjänst"), ("f-owner", "Bildningsförvaltningen"),
                     ("f-administrator", "Utvecklingsavdelningen"), ("f-processing-controller", "Bildningsnämnden"),
                     ("f-processing-controllerContact", "bn@kommun.example.se"), ("f-processing-purposes", "Prov av tangentbordet"),
                 })
        {
            await TabToAsync(page, field);
            await page.Keyboard.TypeAsync(text);
        }

        await TabToAsync(page, "f-processing-legalBasis-e");
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "system-form-submit");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(Url("register/systems/tangentbordet"));
        var saved = await SystemAsync("tangentbordet");
        Assert.Equal("Tangentbordssystemet", saved["name"]!.GetValue<string>());
        Assert.Equal("e", saved["processing"]!["legalBasis"]![0]!.GetValue<string>());
    }

    /// <summary>Presses the button and expects to land on <paramref name="path"/> (a fragment of the page it left may follow); otherwise says what the page shows.</summary>
    private async Task SaveAsync(IPage page, string button, string path)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => url.Split('#')[0] == Url(path), new() { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Expected {path} after '{button}', but the page is {page.Url}: {await page.ContentAsync()}");
        }
    }

    /// <summary>Presses Tab until the element with this id has the focus (at most 300 times).</summary>
    private static async Task TabToAsync(IPage page, string id)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''") == id)
            {
                return;
            }
            await page.Keyboard.PressAsync("Tab");
        }
        throw new InvalidOperationException($"Tab never reached #{id}.");
    }

    private static IFormData Form(IPage page, string token, params (string Name, string Value)[] fields)
    {
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", token);
        foreach (var (name, value) in fields)
        {
            form.Append(name, value);
        }
        return form;
    }

    /// <summary>The edit form as the page filled it, with these fields replaced.</summary>
    private static async Task<IFormData> FilledForm(IPage page, string token, params (string Name, string Value)[] changes)
    {
        var fields = await page.EvaluateAsync<string[][]>("""
            () => [...new FormData(document.getElementById('system-form')).entries()].map(([k, v]) => [k, String(v)])
            """);
        var replaced = changes.Select(c => c.Name).ToHashSet();
        var all = fields.Where(f => f[0] != "__RequestVerificationToken" && !replaced.Contains(f[0])).Select(f => (f[0], f[1])).Concat(changes).ToArray();
        return Form(page, token, all);
    }
}
