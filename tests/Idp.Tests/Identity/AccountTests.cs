using System.Net;
using Federation.Idp.Identity;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Idp.Tests.Identity;

/// <summary>Local accounts: demo users, lockout, password rules, audit events without secrets.</summary>
public sealed class AccountTests(IdpHost idp) : IClassFixture<IdpHost>
{
    [Fact]
    public async Task Demo_users_are_seeded_with_roles_and_school_units_as_claims()
    {
        using var scope = idp.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        foreach (var name in new[] { "anna.larare", "rolf.rektor", "sara.sekreterare", "elin.elev", "vera.vardnadshavare", "ulf.admin" })
        {
            Assert.NotNull(await users.FindByNameAsync(name));
        }
        var ulf = await users.FindByNameAsync("ulf.admin");
        var claims = await users.GetClaimsAsync(ulf!);
        Assert.Contains(claims, c => c.Type == "roles" && c.Value == "register-admin");
        var anna = await users.GetClaimsAsync((await users.FindByNameAsync("anna.larare"))!);
        Assert.Contains(anna, c => c.Type == "school_units" && c.Value == DemoUsers.Bjorkskolan);
    }

    [Fact]
    public async Task Weak_passwords_are_refused()
    {
        using var scope = idp.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();

        var result = await users.CreateAsync(new IdpUser { UserName = "weak.user", Email = "weak@skola.example.se" }, "password1");

        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_password()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        for (var i = 0; i < 5; i++)
        {
            var wrong = await rp.SubmitFormAsync("/login", new() { ["UserName"] = "sara.sekreterare", ["Password"] = "Wrong-Password-" + i });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var right = await rp.SubmitFormAsync("/login", new() { ["UserName"] = "sara.sekreterare", ["Password"] = RelyingParty.DefaultPassword });

        Assert.Equal(HttpStatusCode.OK, right.StatusCode); // the form again, not a redirect
        // The page says what it says for any failure (no account enumeration); the audit log knows.
        Assert.Contains("Inloggningen misslyckades", WebUtility.HtmlDecode(await right.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        await Eventually.TrueAsync(() => idp.Feed.SigninEvents.Any(e =>
            e.GetProperty("userName").GetString() == "sara.sekreterare" && e.GetProperty("outcome").GetString() == "locked_out"));
    }

    [Fact]
    public async Task Sign_in_events_reach_the_register_and_carry_no_password()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        await rp.SubmitFormAsync("/login", new() { ["UserName"] = "vera.vardnadshavare", ["Password"] = "Not-Her-Password-1" });
        var ok = await rp.SubmitFormAsync("/login", new() { ["UserName"] = "vera.vardnadshavare", ["Password"] = RelyingParty.DefaultPassword });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);

        await Eventually.TrueAsync(() => idp.Feed.SigninEvents.Any(e =>
            e.GetProperty("userName").GetString() == "vera.vardnadshavare" && e.GetProperty("outcome").GetString() == "success"));
        var vera = idp.Feed.SigninEvents.Where(e => e.GetProperty("userName").GetString() == "vera.vardnadshavare").ToList();
        Assert.Contains(vera, e => e.GetProperty("outcome").GetString() == "bad_credentials");
        Assert.All(vera, e =>
        {
            Assert.DoesNotContain("Password", e.GetRawText(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(RelyingParty.DefaultPassword, e.GetRawText(), StringComparison.Ordinal);
            Assert.Equal("oidc", e.GetProperty("protocol").GetString());
            Assert.Equal("local", e.GetProperty("upstream").GetString());
        });
    }
}
