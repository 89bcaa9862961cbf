using System.Net;
using Federation.Idp.Identity;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Idp.Tests.Identity;

/// <summary>
/// RFC 6238 5.2: an authenticator code is good once. Each test has its own account (its own
/// secret), so the steps one test uses do not collide with another's.
/// </summary>
public sealed class TotpReplayTests(IdpHost idp) : IClassFixture<IdpHost>
{
    private const string Secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    [Fact]
    public async Task A_code_that_was_accepted_is_refused_the_second_time()
    {
        var user = await CreateAsync("totp.replay");
        var code = Totp.CodeAt(Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);

        using (var first = Loa3())
        {
            var mfa = await PasswordAsync(first, user);
            var accepted = await first.SubmitFormAsync(mfa, new() { ["Code"] = code });
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        // Someone who saw the code uses it from another browser, within its window.
        using var second = Loa3();
        var secondMfa = await PasswordAsync(second, user);
        var again = await second.SubmitFormAsync(secondMfa, new() { ["Code"] = code });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("Koden stämmer inte", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        // An older code (the step before) is refused as well: only later steps count.
        var older = Totp.CodeAt(Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30 - 1);
        var olderAttempt = await second.SubmitFormAsync(secondMfa, new() { ["Code"] = older });
        Assert.Equal(HttpStatusCode.OK, olderAttempt.StatusCode);
        // The accepted step is kept in the database, for every replica.
        using var scope = idp.Services.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>().FindByNameAsync(user);
        Assert.NotNull(stored!.LastTotpTimeStep);
        await Eventually.TrueAsync(() => idp.Feed.SigninEvents.Any(e =>
            e.GetProperty("userName").GetString() == user && e.GetProperty("outcome").GetString() == "bad_mfa_code"));
    }

    [Fact]
    public async Task A_code_two_steps_old_is_refused()
    {
        var user = await CreateAsync("totp.window");
        using var rp = Loa3();

        var response = await rp.SubmitFormAsync(await PasswordAsync(rp, user),
            new() { ["Code"] = Totp.CodeAt(Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30 - 2) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Koden stämmer inte", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_wrong_codes_lock_the_account_and_then_even_the_right_code_is_refused()
    {
        var user = await CreateAsync("totp.lockout");
        using var rp = Loa3();
        var mfa = await PasswordAsync(rp, user);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        var good = new HashSet<string> { Totp.CodeAt(Secret, now - 1), Totp.CodeAt(Secret, now), Totp.CodeAt(Secret, now + 1), Totp.CodeAt(Secret, now + 2) };
        var wrong = Enumerable.Range(0, 100).Select(i => (123456 + i * 7919).ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).Where(c => !good.Contains(c)).Take(5).ToList();

        foreach (var code in wrong)
        {
            var refused = await rp.SubmitFormAsync(mfa, new() { ["Code"] = code });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        }
        var right = await rp.SubmitFormAsync(mfa, new() { ["Code"] = Totp.Code(Secret) });

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("tillfälligt låst", WebUtility.HtmlDecode(await right.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var scope = idp.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        Assert.True(await users.IsLockedOutAsync((await users.FindByNameAsync(user))!));
        await Eventually.TrueAsync(() => idp.Feed.SigninEvents.Any(e =>
            e.GetProperty("userName").GetString() == user && e.GetProperty("outcome").GetString() == "locked_out"));
    }

    [Fact]
    public async Task A_person_without_an_authenticator_is_audited_as_mfa_not_enrolled()
    {
        using var rp = Loa3();

        var mfa = await PasswordAsync(rp, "vera.vardnadshavare");
        var page = WebUtility.HtmlDecode(await rp.Browser.GetStringAsync(mfa));

        Assert.Contains("ingen autentiseringsapp", page, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => idp.Feed.SigninEvents.Any(e =>
            e.GetProperty("userName").GetString() == "vera.vardnadshavare" && e.GetProperty("outcome").GetString() == "mfa_not_enrolled"));
    }

    private RelyingParty Loa3() => new(idp, TestSystems.Loa3Id, TestSystems.Loa3Secret, TestSystems.Redirect);

    /// <summary>Signs in with the password for the loa3 system and returns the /mfa URL it sends to.</summary>
    private static async Task<string> PasswordAsync(RelyingParty rp, string user)
    {
        var (_, challenge) = RelyingParty.Pkce();
        var toLogin = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge));
        var afterPassword = await rp.SubmitFormAsync(toLogin.Headers.Location!.OriginalString,
            new() { ["UserName"] = user, ["Password"] = RelyingParty.DefaultPassword });
        Assert.Equal(HttpStatusCode.Redirect, afterPassword.StatusCode);
        var toMfa = await rp.Browser.GetAsync(afterPassword.Headers.Location!.OriginalString);
        Assert.StartsWith("/mfa", toMfa.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return toMfa.Headers.Location.OriginalString;
    }

    private async Task<string> CreateAsync(string userName)
    {
        using var scope = idp.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        var user = new IdpUser { UserName = userName, Email = userName + "@skola.example.se", EmailConfirmed = true, LockoutEnabled = true };
        Assert.True((await users.CreateAsync(user, RelyingParty.DefaultPassword)).Succeeded);
        var keys = (IUserAuthenticatorKeyStore<IdpUser>)scope.ServiceProvider.GetRequiredService<IUserStore<IdpUser>>();
        await keys.SetAuthenticatorKeyAsync(user, Secret, CancellationToken.None);
        Assert.True((await users.UpdateAsync(user)).Succeeded);
        Assert.True((await users.SetTwoFactorEnabledAsync(user, true)).Succeeded);
        return userName;
    }
}
