using Federation.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Federation.EndToEnd.Tests.Pages.Register;

/// <summary>People sign in to the register's pages at the idp; the register's policy and RegisterPermissions decide who gets in.</summary>
[Collection(FederationCollection.Name)]
public sealed class RegisterSignInTests(FederationStack stack)
{
    /// <summary>A fresh browser context (no cookies) that opens the register and signs in at the idp.</summary>
    private async Task<IPage> OpenRegisterAsync(IBrowser browser, string userName)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "sv-SE" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(stack.Inventory.BaseAddress, "register").AbsoluteUri);
        Assert.StartsWith(stack.Idp.BaseAddress.AbsoluteUri, page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Användarnamn").FillAsync(userName);
        await page.GetByLabel("Lösenord").FillAsync(LoginForm.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        return page;
    }

    [Fact]
    public async Task The_administrator_signs_in_at_the_idp_sees_the_register_and_signs_out_of_both()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await OpenRegisterAsync(browser, "ulf.admin");

        await page.WaitForURLAsync(new Uri(stack.Inventory.BaseAddress, "register").AbsoluteUri);
        Assert.Contains("Ulf Admin", await page.InnerTextAsync("header"), StringComparison.Ordinal);
        Assert.Contains("ProCapita Education", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.DoesNotContain("AnvandningOchSupport", await page.ContentAsync(), StringComparison.Ordinal);
        await PageAudit.CheckAsync(page, "register-start");

        // English by choice, remembered, and back.
        await page.GetByRole(AriaRole.Link, new() { Name = "In English" }).ClickAsync();
        await page.WaitForURLAsync(new Uri(stack.Inventory.BaseAddress, "register").AbsoluteUri);
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        Assert.Contains("System register", await page.InnerTextAsync("header"), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Link, new() { Name = "På svenska" }).ClickAsync();
        await page.WaitForURLAsync(new Uri(stack.Inventory.BaseAddress, "register").AbsoluteUri);
        Assert.Equal("sv", await page.GetAttributeAsync("html", "lang"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Logga ut" }).ClickAsync();
        // The idp asks before it ends its own session (the person may be signed in elsewhere too).
        await page.WaitForURLAsync(stack.Idp.BaseAddress.AbsoluteUri + "**");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ja, logga ut" }).ClickAsync();
        await page.WaitForURLAsync("**/register/signed-out");
        await PageAudit.CheckAsync(page, "register-signed-out");

        // Both sessions ended: the register sends the browser to the idp's login form again.
        await page.GotoAsync(new Uri(stack.Inventory.BaseAddress, "register").AbsoluteUri);
        Assert.StartsWith(stack.Idp.BaseAddress.AbsoluteUri, page.Url, StringComparison.Ordinal);
        Assert.True(await page.GetByLabel("Lösenord").IsVisibleAsync());
    }

    [Fact]
    public async Task The_data_protection_officer_gets_in_and_a_teacher_is_refused_at_the_idp_with_the_reason()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);

        var dpo = await OpenRegisterAsync(browser, "dana.dataskydd");
        await dpo.WaitForURLAsync(new Uri(stack.Inventory.BaseAddress, "register").AbsoluteUri);
        Assert.Contains("Dana Dataskydd", await dpo.InnerTextAsync("header"), StringComparison.Ordinal);

        // The register's own system admits register-admin, dataskyddsombud and systemagare only:
        // the idp refuses the teacher before the register is reached, and says why.
        var teacher = await OpenRegisterAsync(browser, "anna.larare");
        await teacher.WaitForLoadStateAsync();
        Assert.StartsWith(stack.Idp.BaseAddress.AbsoluteUri, teacher.Url, StringComparison.Ordinal);
        Assert.Contains("Systemregistret", await teacher.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.False(await teacher.GetByLabel("Lösenord").IsVisibleAsync());
    }

    [Fact]
    public async Task The_refused_page_is_403_and_says_who_may_use_the_register()
    {
        using var client = new HttpClient { BaseAddress = stack.Inventory.BaseAddress };
        var response = await client.GetAsync("register/refused");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("dataskyddsombudet", html, StringComparison.Ordinal);
        Assert.Contains("lang=\"sv\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_the_idp_lets_in_but_the_register_does_not_trust_lands_on_a_refused_page_that_names_them()
    {
        // The register does not rely on the idp's gate alone: widen its system's policy to teachers
        // (as a mistaken edit would) and a teacher still cannot read the register.
        await stack.UpdateSystemAsync("register", s => s["access"]!["roles"]!.AsArray().Add("larare"));
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            var page = await Eventually.GetAsync(async () =>
            {
                var attempt = await OpenRegisterAsync(browser, "anna.larare");
                await attempt.WaitForLoadStateAsync();
                if (!attempt.Url.Contains("/register/refused", StringComparison.Ordinal))
                {
                    await attempt.Context.CloseAsync();
                    throw new InvalidOperationException("Still refused at the idp: " + attempt.Url);
                }
                return attempt;
            }, TimeSpan.FromSeconds(30), "the idp applies the widened policy and the register refuses the teacher");

            Assert.Contains("anna.larare", await page.InnerTextAsync("main"), StringComparison.Ordinal);
            Assert.Contains("dataskyddsombudet", await page.InnerTextAsync("main"), StringComparison.Ordinal);
            await PageAudit.CheckAsync(page, "register-refused");
        }
        finally
        {
            await stack.UpdateSystemAsync("register", s =>
            {
                var roles = s["access"]!["roles"]!.AsArray();
                roles.Remove(roles.First(r => r!.GetValue<string>() == "larare"));
            });
        }
    }
}
