using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Federation.Gateway.Proxy;
using Federation.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit.Abstractions;

namespace Federation.Gateway.Tests.Proxy;

/// <summary>
/// Per-system release through the gateway, with the real idp: the gateway's own sign-in carries
/// no personnummer, ProCapita (personnummer on its release list) gets it, Förskoleportalen (not on
/// its list) never sees it, by headers or by token; one token call per session and system.
/// </summary>
[Collection(IdpRig.Collection)]
public sealed class BackendTokensTests(IdpRig rig, ITestOutputHelper output) : IClassFixture<IdpRig>
{
    /// <summary>rolf.rektor's personnummer in idp/Identity/DemoUsers.cs (a Skatteverket-style test number).</summary>
    private const string RolfPersonnummer = "197005112396";

    private static readonly string[] NotTheGatewaysBusiness =
        ["personnummer", "name", "given_name", "family_name", "display_name", "email", "eppn", "affiliation"];

    private BackendTokens Tokens => rig.GatewayServices.GetRequiredService<BackendTokens>();

    private async Task<EchoResponse> VisitAsync(Browser browser, string path)
    {
        var response = await browser.VisitAsync(new Uri(rig.GatewayAddress, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EchoResponse>())!;
    }

    [Fact]
    public async Task ProCapita_gets_personnummer_in_signed_headers_and_a_backend_without_it_on_its_list_never_sees_it()
    {
        using var browser = new Browser(rig.IdpAddress, "rolf.rektor", IdpRig.Password);

        var procapita = await VisitAsync(browser, "/procapita/elever");
        var forskola = await VisitAsync(browser, "/forskola/");

        Assert.True(procapita.Verified, procapita.VerificationFailure);
        Assert.Equal([RolfPersonnummer], procapita.Attributes["personnummer"]);
        Assert.Equal(["Rolf Rektor"], procapita.Attributes["name"]);
        Assert.True(forskola.Verified, forskola.VerificationFailure);
        Assert.Equal(["email", "name", "roles", "school_units"], forskola.Attributes.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(forskola.Headers, h => h.Value.Contains(RolfPersonnummer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_forwarding_backend_gets_its_own_token_and_only_ProCapitas_carries_personnummer()
    {
        using var browser = new Browser(rig.IdpAddress, "rolf.rektor", IdpRig.Password);

        var procapita = await VisitAsync(browser, "/pctoken/");
        var portal = await VisitAsync(browser, "/portaltoken/");

        var forProCapita = new JsonWebToken(procapita.Headers["authorization"]["Bearer ".Length..]);
        var forPortal = new JsonWebToken(portal.Headers["authorization"]["Bearer ".Length..]);
        Assert.Equal(["procapita-api"], forProCapita.Audiences);
        Assert.Equal(RolfPersonnummer, forProCapita.GetClaim("personnummer").Value);
        Assert.Equal(["portal-api"], forPortal.Audiences);
        Assert.False(forPortal.TryGetClaim("personnummer", out _));
        Assert.Equal(["name", "roles"], forPortal.Claims.Select(c => c.Type).Where(NotTheGatewaysBusiness.Append("roles").Contains).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(portal.Headers, h => h.Value.Contains(RolfPersonnummer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_gateways_own_session_and_tokens_carry_no_personnummer_and_no_names()
    {
        using var browser = new Browser(rig.IdpAddress, "rolf.rektor", IdpRig.Password);
        await VisitAsync(browser, "/procapita/");

        var ticket = ReadSession(browser);

        Assert.DoesNotContain(ticket.Principal.Claims, c => NotTheGatewaysBusiness.Contains(c.Type));
        Assert.DoesNotContain(ticket.Principal.Claims, c => c.Value.Contains(RolfPersonnummer, StringComparison.Ordinal));
        Assert.Contains(ticket.Principal.Claims, c => c.Type == "roles" && c.Value == "rektor");
        foreach (var name in new[] { "id_token", "access_token" })
        {
            var token = new JsonWebToken(ticket.Properties.GetTokenValue(name));
            Assert.DoesNotContain(token.Claims, c => NotTheGatewaysBusiness.Contains(c.Type) || c.Type.StartsWith("fed_", StringComparison.Ordinal));
        }
        // The refresh token is what gets exchanged; it is encrypted by the idp (JWE), not readable here.
        Assert.Equal(5, ticket.Properties.GetTokenValue("refresh_token")!.Split('.').Length);
    }

    [Fact]
    public async Task The_first_request_to_a_system_costs_one_token_call_and_later_requests_reuse_it()
    {
        using var browser = new Browser(rig.IdpAddress, "rolf.rektor", IdpRig.Password);
        await VisitAsync(browser, "/echo/"); // sign-in and the first system
        var before = Tokens.Exchanges;

        var first = Stopwatch.StartNew();
        await VisitAsync(browser, "/procapita/");
        first.Stop();
        var afterFirst = Tokens.Exchanges;
        var later = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            await VisitAsync(browser, "/procapita/");
        }
        later.Stop();
        var afterLater = Tokens.Exchanges;
        await VisitAsync(browser, "/forskola/");

        Assert.Equal(before + 1, afterFirst);
        Assert.Equal(afterFirst, afterLater);
        Assert.Equal(afterLater + 1, Tokens.Exchanges);
        output.WriteLine($"first request to procapita (with the token call): {first.Elapsed.TotalMilliseconds:F1} ms; " +
                         $"later requests: {later.Elapsed.TotalMilliseconds / 20:F1} ms each");
    }

    [Fact]
    public async Task A_person_the_policy_refuses_is_refused_before_any_token_is_asked_for()
    {
        using var browser = new Browser(rig.IdpAddress, "anna.larare", IdpRig.Password);
        await VisitAsync(browser, "/forskola/");
        var before = Tokens.Exchanges;

        var response = await browser.VisitAsync(new Uri(rig.GatewayAddress, "/procapita/"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, Tokens.Exchanges);
    }

    /// <summary>The gateway's session cookie, opened with the gateway's own data-protection keys.</summary>
    private AuthenticationTicket ReadSession(Browser browser)
    {
        var cookies = browser.Cookies.GetCookies(rig.GatewayAddress);
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}"));
        var options = rig.GatewayServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var value = options.CookieManager.GetRequestCookie(context, options.Cookie.Name!);
        return options.TicketDataFormat.Unprotect(value) ?? throw new InvalidOperationException("No session cookie.");
    }
}
