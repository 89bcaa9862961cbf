using System.Net;
using Federation.EndToEnd.Tests.Infrastructure;

namespace Federation.EndToEnd.Tests.StandIns;

/// <summary>
/// Each kind of system the demo register has, walked the way a person's browser walks it, with
/// the stand-in <c>run.sh</c> starts for it: a backend behind the gateway, an e-service that signs
/// people in itself (OIDC, loa3), and a SAML service provider.
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class StandInPathTests(FederationStack stack)
{
    /// <summary>rolf.rektor's authenticator in the demo (README).</summary>
    private const string RektorTotpSecret = "IZSWIZLSMF2GS33OFVSGK3LPFV2G65DQ";

    [Fact]
    public async Task The_intranet_stand_in_gets_a_teachers_identity_through_the_gateway_and_verifies_its_signature()
    {
        using var browser = new NoScriptBrowser(new LoginForm("anna.larare"));

        var page = await browser.OpenAsync(new Uri(stack.Gateway.BaseAddress, "intranat/"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(new Uri(stack.Gateway.BaseAddress, "intranat/"), page.Address);
        var html = WebUtility.HtmlDecode(page.Html);
        Assert.Contains("<h1>Intranätet", html, StringComparison.Ordinal);
        Assert.Contains("Signaturen från porten stämmer", html, StringComparison.Ordinal);
        Assert.Contains("<code>intranat</code>", html, StringComparison.Ordinal);
        Assert.Contains("larare", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_e_service_steps_a_password_sign_in_up_to_loa3_with_the_authenticator()
    {
        using var browser = new NoScriptBrowser(new LoginForm("rolf.rektor", TotpSecret: RektorTotpSecret));

        var page = await browser.OpenAsync(stack.EService.BaseAddress);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(stack.EService.BaseAddress, page.Address);
        // The password alone was loa2: the idp asked for the second factor before answering the e-service.
        Assert.Contains(browser.Visited, LoginForm.IsMfaPage);
        var html = WebUtility.HtmlDecode(page.Html);
        Assert.Contains("<td id=\"acr\">loa3</td>", html, StringComparison.Ordinal);
        Assert.Contains("Rolf", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schoolsoft_accepts_the_idps_signed_response_and_refuses_the_same_response_again()
    {
        using var browser = new NoScriptBrowser(new LoginForm("elin.elev"));

        var page = await browser.OpenAsync(stack.Schoolsoft.BaseAddress);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(stack.Schoolsoft.BaseAddress, page.Address);
        var html = WebUtility.HtmlDecode(page.Html);
        Assert.Contains("Inloggad via SAML", html, StringComparison.Ordinal);
        Assert.Contains("elin.elev@skola.example.se", html, StringComparison.Ordinal);
        // The SP checks InResponseTo against the requests it sent: the response it consumed is not taken twice.
        var response = Assert.Single(browser.Posted, form => form.Hidden.ContainsKey("SAMLResponse"));
        Assert.Equal(new Uri(stack.Schoolsoft.BaseAddress, "saml/acs"), response.Action);
        using var replayed = await browser.Http.PostAsync(response.Action, response.Submit());
        Assert.Equal(HttpStatusCode.Forbidden, replayed.StatusCode);
    }
}
