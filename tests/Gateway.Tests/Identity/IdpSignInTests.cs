using System.Net;
using System.Net.Http.Json;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Identity;

/// <summary>People sign in through the real idp (authorization code + PKCE) and meet the policy.</summary>
[Collection(IdpRig.Collection)]
public sealed class IdpSignInTests(IdpRig rig) : IClassFixture<IdpRig>
{
    [Fact]
    public async Task A_principal_signs_in_at_the_idp_and_the_backend_gets_signed_headers_from_the_session()
    {
        using var browser = new Browser(rig.IdpAddress, "rolf.rektor", IdpRig.Password);

        var response = await browser.VisitAsync(new Uri(rig.GatewayAddress, "/echo/elever"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>())!;
        Assert.Equal("/elever", echo.Path);
        Assert.True(echo.Verified, echo.VerificationFailure);
        Assert.Equal(["rektor"], echo.Attributes["roles"]);
        Assert.Equal([DemoFeed.Bjorkskolan], echo.Attributes["school_units"]);
        Assert.Equal(["loa2"], echo.Attributes["acr"]);
        Assert.DoesNotContain(echo.Headers.Keys, h => h == "authorization");
        Assert.DoesNotContain("federation.session", echo.Headers.GetValueOrDefault("cookie") ?? "");
    }

    [Fact]
    public async Task A_student_signed_in_at_the_idp_is_refused_a_teachers_system_with_the_reason()
    {
        using var browser = new Browser(rig.IdpAddress, "elin.elev", IdpRig.Password);

        var response = await browser.VisitAsync(new Uri(rig.GatewayAddress, "/larare/"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Systemet kräver någon av rollerna larare, rektor. Du har elev.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_loa3_system_steps_a_signed_in_user_up_through_the_idps_mfa()
    {
        using var browser = new Browser(rig.IdpAddress, "rolf.rektor", IdpRig.Password, IdpRig.RolfTotpSecret);
        Assert.Equal(HttpStatusCode.OK, (await browser.VisitAsync(new Uri(rig.GatewayAddress, "/echo/"))).StatusCode);

        var response = await browser.VisitAsync(new Uri(rig.GatewayAddress, "/mfa/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<EchoResponse>())!.Verified);
        var echo = await browser.VisitAsync(new Uri(rig.GatewayAddress, "/echo/"));
        Assert.Equal(["loa3"], (await echo.Content.ReadFromJsonAsync<EchoResponse>())!.Attributes["acr"]);
    }

    [Theory]
    [InlineData("/\\evil.example/x")]
    [InlineData("//evil.example/x")]
    [InlineData("http://evil.example/x")]
    [InlineData("/\t/evil.example/x")]
    [InlineData("\\\\evil.example/x")]
    [InlineData("https:evil.example")]
    public async Task Sign_in_never_sends_the_browser_off_site_whatever_the_return_url(string returnUrl)
    {
        using var browser = new Browser(rig.IdpAddress, "rolf.rektor", IdpRig.Password);

        var response = await browser.VisitAsync(new Uri(rig.GatewayAddress, "/account/signin?returnUrl=" + Uri.EscapeDataString(returnUrl)));

        var landed = response.Headers.Location is { } location ? new Uri(response.RequestMessage!.RequestUri!, location) : response.RequestMessage!.RequestUri!;
        Assert.True(rig.GatewayAddress.Authority == landed.Authority, $"{landed} {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("inloggad med tillitsniv", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sign_in_returns_to_a_local_return_url()
    {
        using var browser = new Browser(rig.IdpAddress, "rolf.rektor", IdpRig.Password);

        var response = await browser.VisitAsync(new Uri(rig.GatewayAddress, "/account/signin?returnUrl=" + Uri.EscapeDataString("/echo/elever?klass=7b")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>())!;
        Assert.Equal("/elever", echo.Path);
        Assert.Equal("?klass=7b", echo.Query);
    }
}
