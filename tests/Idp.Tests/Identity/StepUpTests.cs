using System.Net;
using Federation.Idp.Identity;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Idp.Tests.Identity;

/// <summary>Password is loa2; a system or request that needs loa3 steps the person up with TOTP instead of failing.</summary>
public sealed class StepUpTests(IdpHost idp) : IClassFixture<IdpHost>
{
    [Fact]
    public async Task A_loa3_system_asks_for_the_totp_code_after_the_password_and_gets_acr_loa3()
    {
        using var rp = new RelyingParty(idp, TestSystems.Loa3Id, TestSystems.Loa3Secret, TestSystems.Redirect);
        var (verifier, challenge) = RelyingParty.Pkce();

        var callback = await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge), "rolf.rektor", totpSecret: DemoUsers.RolfTotpSecret);

        var tokens = await rp.RedeemAsync(RelyingParty.Query(callback)["code"], verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.Equal("loa3", new JsonWebToken(tokens.IdToken).GetClaim("acr").Value);
    }

    [Fact]
    public async Task Acr_values_loa3_steps_up_a_loa2_session()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        var (verifier, challenge) = RelyingParty.Pkce();
        var first = await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge), "rolf.rektor");
        var loa2 = await rp.RedeemAsync(RelyingParty.Query(first)["code"], verifier);
        Assert.Equal("loa2", new JsonWebToken(loa2.IdToken).GetClaim("acr").Value);

        var stepUp = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge, extra: new Dictionary<string, string?> { ["acr_values"] = "loa3" }));
        Assert.StartsWith("/mfa", stepUp.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var callback = await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, extra: new Dictionary<string, string?> { ["acr_values"] = "loa3" }),
            "rolf.rektor", totpSecret: DemoUsers.RolfTotpSecret);

        var loa3 = await rp.RedeemAsync(RelyingParty.Query(callback)["code"], verifier);
        Assert.Equal("loa3", new JsonWebToken(loa3.IdToken).GetClaim("acr").Value);
    }

    [Fact]
    public async Task A_wrong_totp_code_is_refused_and_audited()
    {
        using var rp = new RelyingParty(idp, TestSystems.Loa3Id, TestSystems.Loa3Secret, TestSystems.Redirect);
        var (_, challenge) = RelyingParty.Pkce();
        var toLogin = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge));
        var afterPassword = await rp.SubmitFormAsync(toLogin.Headers.Location!.OriginalString,
            new() { ["UserName"] = "rolf.rektor", ["Password"] = RelyingParty.DefaultPassword });
        var toMfa = await rp.Browser.GetAsync(afterPassword.Headers.Location!.OriginalString);
        Assert.StartsWith("/mfa", toMfa.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var wrong = await rp.SubmitFormAsync(toMfa.Headers.Location.OriginalString, new() { ["Code"] = "000000" == Totp.Code(DemoUsers.RolfTotpSecret) ? "111111" : "000000" });

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Koden stämmer inte", WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        await Eventually.TrueAsync(() => idp.Feed.SigninEvents.Any(e => e.GetProperty("outcome").GetString() == "bad_mfa_code"));
    }

    [Fact]
    public async Task A_person_without_an_authenticator_is_told_why_a_loa3_system_cannot_be_reached()
    {
        using var rp = new RelyingParty(idp, TestSystems.Loa3Id, TestSystems.Loa3Secret, TestSystems.Redirect);
        var (_, challenge) = RelyingParty.Pkce();
        var toLogin = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge));
        var afterPassword = await rp.SubmitFormAsync(toLogin.Headers.Location!.OriginalString,
            new() { ["UserName"] = "elin.elev", ["Password"] = RelyingParty.DefaultPassword });
        var toMfa = await rp.Browser.GetAsync(afterPassword.Headers.Location!.OriginalString);

        var page = WebUtility.HtmlDecode(await rp.Browser.GetStringAsync(toMfa.Headers.Location!.OriginalString));

        Assert.Contains("ingen autentiseringsapp", page, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Code\"", page, StringComparison.Ordinal);
    }
}
