using System.Net;
using System.Text.RegularExpressions;
using Federation.Idp.Identity;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Idp.Tests.Pages;

/// <summary>The idp's real password hasher, counting its verifications.</summary>
public sealed class CountingPasswordHasher : PasswordHasher<IdpUser>
{
    private static int s_verifications;

    public static int Verifications => Volatile.Read(ref s_verifications);

    public override PasswordVerificationResult VerifyHashedPassword(IdpUser user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref s_verifications);
        return base.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

/// <summary>An idp whose password hasher counts, and which asks for a confirmed e-mail (so "not allowed" exists).</summary>
public sealed class CountingHasherIdpHost : IdpHost
{
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddScoped<IPasswordHasher<IdpUser>, CountingPasswordHasher>();
        services.Configure<IdentityOptions>(o => o.SignIn.RequireConfirmedEmail = true);
    }
}

/// <summary>
/// Account enumeration through the login form: every failure must cost the same password hash
/// and say the same thing, whether the name is unknown, the password wrong, the account locked
/// or not allowed to sign in. The audit log still tells them apart.
/// </summary>
[Collection(PasswordHasherCounting.Name)]
public sealed partial class LoginGuessingTests(CountingHasherIdpHost idp) : IClassFixture<CountingHasherIdpHost>
{
    [Fact]
    public async Task Every_failure_costs_one_password_hash_and_gives_the_same_page()
    {
        await LockAsync("sara.sekreterare");
        await CreateUnconfirmedAsync("olle.obekraftad");
        var attempts = new (string User, string Password, string Outcome)[]
        {
            ("nobody.at.all", RelyingParty.DefaultPassword, "unknown_user"),
            ("anna.larare", "Wrong-Password-2026!", "bad_credentials"),
            ("sara.sekreterare", RelyingParty.DefaultPassword, "locked_out"),
            ("olle.obekraftad", RelyingParty.DefaultPassword, "not_allowed"),
        };

        var pages = new List<(HttpStatusCode Status, string Message)>();
        foreach (var (user, password, _) in attempts)
        {
            using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
            var before = CountingPasswordHasher.Verifications;
            var response = await rp.SubmitFormAsync("/login", new() { ["UserName"] = user, ["Password"] = password });
            Assert.Equal(before + 1, CountingPasswordHasher.Verifications);
            pages.Add((response.StatusCode, ErrorMessage(await response.Content.ReadAsStringAsync())));
        }

        Assert.All(pages, p => Assert.Equal(HttpStatusCode.OK, p.Status));
        Assert.Single(pages.Select(p => p.Message).Distinct());
        Assert.DoesNotContain("låst", pages[0].Message.Split('.')[0], StringComparison.Ordinal);
        // The audit log is where the difference is kept.
        foreach (var (user, _, outcome) in attempts)
        {
            await Eventually.TrueAsync(() => idp.Feed.SigninEvents.Any(e =>
                e.GetProperty("userName").GetString() == user && e.GetProperty("outcome").GetString() == outcome));
        }
    }

    [Fact]
    public async Task The_right_password_still_signs_in()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        var before = CountingPasswordHasher.Verifications;

        var response = await rp.SubmitFormAsync("/login?ReturnUrl=%2F", new() { ["UserName"] = "elin.elev", ["Password"] = RelyingParty.DefaultPassword });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(before + 1, CountingPasswordHasher.Verifications);
    }

    private async Task LockAsync(string userName)
    {
        using var scope = idp.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        var user = await users.FindByNameAsync(userName);
        Assert.True((await users.SetLockoutEndDateAsync(user!, DateTimeOffset.UtcNow.AddHours(1))).Succeeded);
    }

    private async Task CreateUnconfirmedAsync(string userName)
    {
        using var scope = idp.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        var user = new IdpUser { UserName = userName, Email = userName + "@skola.example.se", EmailConfirmed = false, LockoutEnabled = true };
        Assert.True((await users.CreateAsync(user, RelyingParty.DefaultPassword)).Succeeded);
    }

    private static string ErrorMessage(string page) =>
        ErrorParagraph().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new Xunit.Sdk.XunitException("no error on the page");

    [GeneratedRegex("id=\"login-error\"[^>]*>([^<]*)<")]
    private static partial Regex ErrorParagraph();
}

/// <summary>The hasher's counter is process-wide: the classes that count do not run side by side.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public static class PasswordHasherCounting
{
    public const string Name = "password hasher counting";
}

/// <summary>An idp with small login limits.</summary>
public sealed class ThrottledIdpHost : IdpHost
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Login:AttemptsPerAddress", "6"),
        new("Login:AttemptsPerAccount", "3"),
        new("Login:Window", "00:10:00"),
    ];
}

/// <summary>Password guessing: per-account and per-address limits answer 429 with Retry-After and a page a person can read.</summary>
public sealed class LoginThrottleTests(ThrottledIdpHost idp) : IClassFixture<ThrottledIdpHost>
{
    [Fact]
    public async Task Limits_per_account_then_per_address_answer_429_with_retry_after_and_a_readable_page()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        // Per account (known or not, alike): three attempts, the fourth is refused.
        for (var i = 0; i < 3; i++)
        {
            var allowed = await rp.SubmitFormAsync("/login", new() { ["UserName"] = "guess.target", ["Password"] = "Wrong-" + i });
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        var perAccount = await rp.SubmitFormAsync("/login", new() { ["UserName"] = "GUESS.target", ["Password"] = "Wrong-x" });
        await AssertTooManyAsync(perAccount);

        // Per address: other names from the same address, until the address's six are used.
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6 && refused is null; i++)
        {
            var response = await rp.SubmitFormAsync("/login", new() { ["UserName"] = "other." + i, ["Password"] = "Wrong" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
        }
        Assert.NotNull(refused);
        await AssertTooManyAsync(refused!);
        // Showing the form is never limited.
        Assert.Equal(HttpStatusCode.OK, (await rp.Browser.GetAsync("/login")).StatusCode);
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After missing");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("För många inloggningsförsök", page, StringComparison.Ordinal);
    }
}
