using Federation.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Federation.EndToEnd.Tests.SignIn;

/// <summary>A person in a real browser opens ProCapita through the gateway and signs in at the idp.</summary>
[Collection(FederationCollection.Name)]
public sealed class GatewaySignInTests(FederationStack stack)
{
    private async Task<IPage> SignInAtProCapitaAsync(IBrowser browser, string userName)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "sv-SE" });
        await page.GotoAsync(new Uri(stack.Gateway.BaseAddress, "procapita/").AbsoluteUri);
        // Sent to the idp's login page.
        Assert.StartsWith(stack.Idp.BaseAddress.AbsoluteUri, page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Användarnamn").FillAsync(userName);
        await page.GetByLabel("Lösenord").FillAsync(LoginForm.DemoPassword);
        await page.GetByRole(AriaRole.Button).ClickAsync();
        await page.WaitForURLAsync(stack.Gateway.BaseAddress.AbsoluteUri + "procapita/**");
        return page;
    }

    [Fact]
    public async Task A_school_secretary_signs_in_and_ProCapita_sees_her_identity_with_a_verified_signature()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);

        var page = await SignInAtProCapitaAsync(browser, "sara.sekreterare");

        Assert.StartsWith(new Uri(stack.Gateway.BaseAddress, "procapita/").AbsoluteUri, page.Url, StringComparison.Ordinal);
        var text = await page.InnerTextAsync("body");
        Assert.Contains("ProCapita Education", text, StringComparison.Ordinal);
        Assert.Contains("Signaturen från porten stämmer", text, StringComparison.Ordinal);
        Assert.Contains("procapita", text, StringComparison.Ordinal);
        Assert.Contains("skolsekreterare", text, StringComparison.Ordinal);
        Assert.Contains("sara.sekreterare@skola.example.se", text, StringComparison.Ordinal);
        Assert.Contains("41526371", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ingen giltig identitet", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_teacher_is_refused_by_ProCapitas_policy_with_the_reason()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "sv-SE" });

        await page.GotoAsync(new Uri(stack.Gateway.BaseAddress, "procapita/").AbsoluteUri);
        await page.GetByLabel("Användarnamn").FillAsync("anna.larare");
        await page.GetByLabel("Lösenord").FillAsync(LoginForm.DemoPassword);
        var responses = new List<IResponse>();
        page.Response += (_, r) => responses.Add(r);
        await page.GetByRole(AriaRole.Button).ClickAsync();
        await page.WaitForURLAsync(stack.Gateway.BaseAddress.AbsoluteUri + "procapita/**");

        var final = responses.Last(r => r.Url.StartsWith(stack.Gateway.BaseAddress.AbsoluteUri + "procapita", StringComparison.Ordinal));
        Assert.Equal(403, final.Status);
        Assert.Equal("Du har inte behörighet till ProCapita Education", (await page.InnerTextAsync("h1")).Trim());
        var reason = await page.InnerTextAsync("body p");
        // The reason names what the policy asks for and what she has.
        Assert.Contains("Systemet kräver någon av rollerna", reason, StringComparison.Ordinal);
        Assert.Contains("skolsekreterare", reason, StringComparison.Ordinal);
        Assert.Contains("larare", reason, StringComparison.Ordinal);
    }
}
