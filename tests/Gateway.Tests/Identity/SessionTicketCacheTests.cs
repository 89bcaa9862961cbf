using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Federation.Gateway.Identity;
using Federation.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Gateway.Tests.Identity;

public sealed class SessionTicketCacheTests
{
    private static AuthenticationTicket Ticket(DateTimeOffset? expires = null) => new(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "rolf.rektor"), new Claim("roles", "rektor")], "Cookies")),
        new AuthenticationProperties { ExpiresUtc = expires },
        CookieAuthenticationDefaults.AuthenticationScheme);

    [Fact]
    public void A_cookie_seen_before_is_not_decrypted_again_and_each_request_gets_its_own_ticket()
    {
        var inner = new CountingFormat(Ticket());
        var cache = new SessionTicketCache(inner, new FakeTimeProvider());

        var first = cache.Unprotect("cookie-a")!;
        first.Principal.Identities.First().AddClaim(new Claim("roles", "register-admin"));
        first.Properties.Items["changed"] = "yes";
        var second = cache.Unprotect("cookie-a")!;

        Assert.Equal(1, inner.Calls);
        Assert.False(second.Principal.HasClaim("roles", "register-admin"));
        Assert.False(second.Properties.Items.ContainsKey("changed"));
        Assert.Equal("rolf.rektor", second.Principal.FindFirst("sub")!.Value);
    }

    [Fact]
    public void A_changed_cookie_is_decrypted_in_full_and_a_refusal_is_never_remembered()
    {
        var inner = new CountingFormat(null);
        var cache = new SessionTicketCache(inner, new FakeTimeProvider());

        Assert.Null(cache.Unprotect("tampered"));
        Assert.Null(cache.Unprotect("tampered"));

        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public void A_cookie_is_decrypted_again_after_the_cache_age_and_after_the_sessions_expiry()
    {
        var time = new FakeTimeProvider();
        var inner = new CountingFormat(Ticket(time.GetUtcNow().AddSeconds(10)));
        var cache = new SessionTicketCache(inner, time);
        cache.Unprotect("cookie");

        time.Advance(TimeSpan.FromSeconds(10));
        cache.Unprotect("cookie");
        Assert.Equal(2, inner.Calls);

        inner.Result = Ticket(time.GetUtcNow().AddHours(8));
        cache.Unprotect("cookie");
        time.Advance(SessionTicketCache.MaxAge);
        cache.Unprotect("cookie");
        Assert.Equal(4, inner.Calls);
    }

    [Fact]
    public void A_ticket_bound_to_a_purpose_is_never_cached()
    {
        var inner = new CountingFormat(Ticket());
        var cache = new SessionTicketCache(inner, new FakeTimeProvider());

        cache.Unprotect("cookie", "tls-binding");
        cache.Unprotect("cookie", "tls-binding");

        Assert.Equal(2, inner.Calls);
    }

    private sealed class CountingFormat(AuthenticationTicket? result) : ISecureDataFormat<AuthenticationTicket>
    {
        public AuthenticationTicket? Result { get; set; } = result;

        public int Calls { get; private set; }

        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();

        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Calls++;
            return Result is null ? null : new AuthenticationTicket(Result.Principal.Clone(), Result.Properties.Clone(), Result.AuthenticationScheme);
        }
    }
}

/// <summary>Session cookies made by the gateway's own cookie format, as its sign-in would set them.</summary>
public sealed class SessionCookieTests(FakeClockGatewayRig rig) : IClassFixture<FakeClockGatewayRig>
{
    private string SessionCookie(DateTimeOffset expires, string role = "larare")
    {
        var identity = new ClaimsIdentity(
            [
                new Claim("sub", "anna.larare"), new Claim("roles", role), new Claim("given_name", "Anna"),
                new Claim("school_units", DemoFeed.Bjorkskolan), new Claim("acr", "loa2"),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme, "name", "roles");
        var properties = new AuthenticationProperties(new Dictionary<string, string?>
        {
            // As the sign-in stamps it: sessions without it have no known age and are ended.
            [SessionRenewal.SignedInItem] = rig.Clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            // The session's id, which a sign-out ends (EndedSessions); a session without one is ended too.
            [SessionRenewal.SessionIdItem] = Guid.NewGuid().ToString("N"),
        })
        { IssuedUtc = rig.Clock.GetUtcNow(), ExpiresUtc = expires };
        // What the gateway exchanges for each system's own token (the test issuer's stand-in for a refresh token).
        properties.StoreTokens([new AuthenticationToken
        {
            Name = "refresh_token",
            Value = rig.Issuer.Mint("anna.larare", roles: [role], schoolUnits: [DemoFeed.Bjorkskolan], extra: new Dictionary<string, object> { ["given_name"] = "Anna" }),
        }]);
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), properties, CookieAuthenticationDefaults.AuthenticationScheme);
        var format = rig.GatewayServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme).TicketDataFormat;
        return GatewayAuthentication.CookieName + "=" + format.Protect(ticket);
    }

    private HttpResponseMessage Send(string cookie, string path = "/echo/")
    {
        using var client = rig.Client(browser: true);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return client.Send(request);
    }

    [Fact]
    public async Task A_session_cookie_reaches_the_backend_as_signed_headers_on_every_request()
    {
        var cookie = SessionCookie(rig.Clock.GetUtcNow().AddHours(1));

        for (var i = 0; i < 3; i++)
        {
            using var response = Send(cookie);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>())!;
            Assert.True(echo.Verified, echo.VerificationFailure);
            Assert.Equal(["larare"], echo.Attributes["roles"]);
            Assert.DoesNotContain("federation.session", echo.Headers.GetValueOrDefault("cookie") ?? "");
        }
    }

    [Fact]
    public void A_session_that_has_expired_signs_nobody_in_though_its_cookie_was_seen_before()
    {
        var cookie = SessionCookie(rig.Clock.GetUtcNow().AddSeconds(2));
        using (var response = Send(cookie))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        rig.Clock.Advance(TimeSpan.FromSeconds(3)); // the gateway's clock: past the session's end

        using var expired = Send(cookie);
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode); // to the idp's sign-in
    }

    [Fact]
    public void A_changed_cookie_is_refused_though_the_real_one_was_seen_before()
    {
        var cookie = SessionCookie(rig.Clock.GetUtcNow().AddHours(1));
        using (var response = Send(cookie))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var last = cookie[^5];
        var tampered = cookie[..^5] + (last == 'A' ? 'B' : 'A') + cookie[^4..];

        using var refused = Send(tampered);

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
    }

    [Fact]
    public void The_policy_is_checked_on_every_request_for_a_cached_session()
    {
        var student = SessionCookie(rig.Clock.GetUtcNow().AddHours(1), role: "elev");

        using (var allowed = Send(student, "/echo/"))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        using var refused = Send(student, "/larare/");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
