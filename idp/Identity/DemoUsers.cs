using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Identity;

/// <summary>
/// The demo people of the embedded default, created on first start (never overwritten).
/// Passwords and the demo TOTP secret are documented in idp/README.md.
/// </summary>
public static class DemoUsers
{
    public const string Password = "Skola-Demo-2026!";

    /// <summary>Base32 authenticator secret of <c>rolf.rektor</c>, so that loa3 can be tried.</summary>
    public const string RolfTotpSecret = "IZSWIZLSMF2GS33OFVSGK3LPFV2G65DQ";

    public const string Domain = "skola.example.se";
    public const string Bjorkskolan = "41526371";
    public const string Ekdalsgymnasiet = "29384756";
    public const string Solrosen = "83746529";

    private sealed record Demo(
        string UserName, string GivenName, string FamilyName, string[] Roles, string[] SchoolUnits,
        string[] Affiliations, string[] Groups, string? PersonalIdentityNumber = null, string? TotpSecret = null);

    // Personnummer are Skatteverket-style test numbers, not real people.
    private static readonly Demo[] People =
    [
        new("anna.larare", "Anna", "Lärare", ["larare"], [Bjorkskolan], ["employee", "member"], ["bjorkskolan-personal"], "198112289874"),
        new("rolf.rektor", "Rolf", "Rektor", ["rektor"], [Bjorkskolan], ["employee", "member"], ["bjorkskolan-personal", "rektorer"], "197005112396", RolfTotpSecret),
        new("sara.sekreterare", "Sara", "Sekreterare", ["skolsekreterare"], [Bjorkskolan], ["employee", "member"], ["bjorkskolan-personal"]),
        new("elin.elev", "Elin", "Elev", ["elev"], [Bjorkskolan], ["student", "member"], ["bjorkskolan-klass-7b"], "201003152380"),
        new("vera.vardnadshavare", "Vera", "Vårdnadshavare", ["vardnadshavare"], [], ["affiliate"], []),
        new("ulf.admin", "Ulf", "Admin", ["register-admin"], [], ["employee", "member"], ["utvecklingsavdelningen"]),
        // The data protection officer reads the whole register and its audit log; the system owner
        // edits the register entries of the systems that name them (demo register: ProCapita, Schoolsoft).
        new("dana.dataskydd", "Dana", "Dataskydd", ["dataskyddsombud"], [], ["employee", "member"], ["kommunledningskontoret"]),
        new("olle.systemagare", "Olle", "Systemägare", ["systemagare"], [], ["employee", "member"], ["bildningsforvaltningen"]),
    ];

    public static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        using var scope = services.CreateScope();
        var asked = scope.ServiceProvider.GetRequiredService<IOptions<IdpOptions>>().Value.SeedDemoUsers;
        if (!(asked ?? scope.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment()))
        {
            return;
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        var store = scope.ServiceProvider.GetRequiredService<IUserStore<IdpUser>>();
        foreach (var person in People)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await users.FindByNameAsync(person.UserName) is not null)
            {
                continue;
            }
            var user = new IdpUser
            {
                UserName = person.UserName,
                Email = $"{person.UserName}@{Domain}",
                EmailConfirmed = true,
                GivenName = person.GivenName,
                FamilyName = person.FamilyName,
                LockoutEnabled = true,
            };
            Check(await users.CreateAsync(user, Password), person.UserName);
            var claims = new List<System.Security.Claims.Claim>
            {
                LocalAccounts.Claim(LocalAccounts.ClaimTypes.Eppn, $"{person.UserName}@{Domain}"),
            };
            claims.AddRange(person.Roles.Select(r => LocalAccounts.Claim(LocalAccounts.ClaimTypes.Role, r)));
            claims.AddRange(person.SchoolUnits.Select(s => LocalAccounts.Claim(LocalAccounts.ClaimTypes.SchoolUnit, s)));
            claims.AddRange(person.Affiliations.Select(a => LocalAccounts.Claim(LocalAccounts.ClaimTypes.Affiliation, $"{a}@{Domain}")));
            claims.AddRange(person.Groups.Select(g => LocalAccounts.Claim(LocalAccounts.ClaimTypes.Group, g)));
            if (person.PersonalIdentityNumber is { } pnr)
            {
                claims.Add(LocalAccounts.Claim(LocalAccounts.ClaimTypes.PersonalIdentityNumber, pnr));
            }
            Check(await users.AddClaimsAsync(user, claims), person.UserName);
            if (person.TotpSecret is { } secret && store is IUserAuthenticatorKeyStore<IdpUser> keys)
            {
                await keys.SetAuthenticatorKeyAsync(user, secret, cancellationToken);
                Check(await users.UpdateAsync(user), person.UserName);
                Check(await users.SetTwoFactorEnabledAsync(user, true), person.UserName);
            }
        }
    }

    private static void Check(IdentityResult result, string userName)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Seeding demo user {userName} failed: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
