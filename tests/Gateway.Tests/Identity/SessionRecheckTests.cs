extern alias idp;

using System.Net;
using Federation.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using IdpUser = idp::Federation.Idp.Identity.IdpUser;

namespace Federation.Gateway.Tests.Identity;

/// <summary>The real idp with two-second access tokens and a gateway whose sessions last at most a minute.</summary>
public sealed class ShortTokenIdpRig : IdpRig
{
    protected override void ConfigureIdp(Dictionary<string, string?> settings) =>
        settings["Idp:AccessTokenLifetime"] = "00:00:02";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Identity:AbsoluteSessionLifetime"] = "00:01:00";
    }
}

/// <summary>The gateway asks the idp again when the session's access token expires, and ends the session on any refusal.</summary>
public sealed class SessionRecheckTests(ShortTokenIdpRig rig) : IClassFixture<ShortTokenIdpRig>
{
    private Uri Echo => new(rig.GatewayAddress, "/echo/");

    [Fact]
    public async Task An_expired_access_token_is_refreshed_at_the_idp_without_sending_the_browser_there()
    {
        using var browser = new Browser(rig.IdpAddress, "rolf.rektor", IdpRig.Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.VisitAsync(Echo)).StatusCode);
        var first = browser.CookieHeader(rig.GatewayAddress);

        // Past the token's two seconds the gateway refreshes and re-issues the session cookie.
        await Loopback.EventuallyAsync(async () =>
        {
            var response = await browser.GetAsync(Echo);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return browser.CookieHeader(rig.GatewayAddress) != first;
        }, "session renewed after a refresh", seconds: 30);
    }

    [Fact]
    public async Task A_person_the_idp_refuses_loses_the_gateway_session_within_one_access_token_lifetime()
    {
        using var browser = new Browser(rig.IdpAddress, "vera.vardnadshavare", IdpRig.Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.VisitAsync(Echo)).StatusCode);

        // The idp's database may be shared with other test classes: vera is no one else's, and unlocked after.
        await SetLockedOutAsync("vera.vardnadshavare", true);
        try
        {
            await Loopback.EventuallyAsync(async () =>
            {
                var response = await browser.GetAsync(Echo);
                return response.StatusCode == HttpStatusCode.Found
                       && response.Headers.Location!.Authority == rig.IdpAddress.Authority;
            }, "session ended once the idp refused the refresh", seconds: 30);
        }
        finally
        {
            await SetLockedOutAsync("vera.vardnadshavare", false);
        }
    }

    private async Task SetLockedOutAsync(string userName, bool locked)
    {
        using var scope = rig.IdpServices.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        var user = (await users.FindByNameAsync(userName))!;
        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
    }

    [Fact]
    public async Task A_role_removed_at_the_idp_stops_working_at_the_gateway_within_one_access_token_lifetime()
    {
        using var browser = new Browser(rig.IdpAddress, "anna.larare", IdpRig.Password);
        var teachers = new Uri(rig.GatewayAddress, "/larare/");
        Assert.Equal(HttpStatusCode.OK, (await browser.VisitAsync(teachers)).StatusCode);

        await SetRoleAsync("anna.larare", "larare", present: false);
        try
        {
            await Loopback.EventuallyAsync(async () =>
                (await browser.GetAsync(teachers)).StatusCode == HttpStatusCode.Forbidden, "the removed role refused", seconds: 30);
        }
        finally
        {
            await SetRoleAsync("anna.larare", "larare", present: true);
        }
    }

    private async Task SetRoleAsync(string userName, string role, bool present)
    {
        using var scope = rig.IdpServices.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        var user = (await users.FindByNameAsync(userName))!;
        var claim = new System.Security.Claims.Claim("roles", role);
        await (present ? users.AddClaimAsync(user, claim) : users.RemoveClaimAsync(user, claim));
    }
}
