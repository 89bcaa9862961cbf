using System.Net;
using Federation.Idp.Tests.Infrastructure;

namespace Federation.Idp.Tests.Oidc;

/// <summary>
/// The register's access policy at the OIDC authorize endpoint: the same decision the SAML IdP
/// and the gateway make, for relying parties that sign in directly.
/// </summary>
public sealed class AuthorizeAccessPolicyTests(IdpHost idp) : IClassFixture<IdpHost>
{
    [Theory]
    [InlineData(TestSystems.PrincipalsId, TestSystems.PrincipalsSecret, "elin.elev", "rektor")]
    [InlineData(TestSystems.LikaId, TestSystems.LikaSecret, "vera.vardnadshavare", "larare")]
    [InlineData(TestSystems.LikaId, TestSystems.LikaSecret, "elin.elev", "larare")]
    public async Task A_person_the_policy_refuses_gets_no_code_but_a_page_with_the_reason_then_access_denied(
        string clientId, string secret, string user, string missingRole)
    {
        using var rp = new RelyingParty(idp, clientId, secret, TestSystems.Redirect);
        var (_, challenge) = RelyingParty.Pkce();

        var (callback, page) = await rp.FollowAsync(rp.AuthorizeUrl(challenge, redirect: TestSystems.Redirect, state: "st-9"), user);

        Assert.Null(callback);
        Assert.Equal(HttpStatusCode.Forbidden, page!.StatusCode);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("Du har inte behörighet", html, StringComparison.Ordinal);
        Assert.Contains(missingRole, html, StringComparison.Ordinal); // the reason names the roles the system asks for

        // The way back answers the client with access_denied (RFC 6749 4.1.2.1), never a code.
        var back = System.Text.RegularExpressions.Regex.Match(html, "href=\"(?<u>/connect/authorize[^\"]+)\"").Groups["u"].Value;
        Assert.NotEmpty(back);
        var response = await rp.Browser.GetAsync(WebUtility.HtmlDecode(back));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var answer = response.Headers.Location!;
        Assert.StartsWith(TestSystems.Redirect, answer.AbsoluteUri, StringComparison.Ordinal);
        var query = RelyingParty.Query(answer);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("st-9", query["state"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Theory]
    [InlineData(null, "sv", "Du har inte behörighet", "Systemet kräver någon av rollerna rektor. Du har elev.")]
    [InlineData("en", "en", "You do not have access", "The system requires one of the roles rektor; you have elev.")]
    public async Task The_refusal_page_is_Swedish_by_default_and_English_when_the_person_asks(
        string? acceptLanguage, string lang, string heading, string reason)
    {
        using var rp = new RelyingParty(idp, TestSystems.PrincipalsId, TestSystems.PrincipalsSecret, TestSystems.Redirect);
        if (acceptLanguage is not null)
        {
            rp.Browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        }
        var (_, challenge) = RelyingParty.Pkce();

        var (_, page) = await rp.FollowAsync(rp.AuthorizeUrl(challenge, redirect: TestSystems.Redirect), "elin.elev");

        Assert.Equal(HttpStatusCode.Forbidden, page!.StatusCode);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains($"<html lang=\"{lang}\"", html, StringComparison.Ordinal);
        Assert.Contains(heading, html, StringComparison.Ordinal);
        Assert.Contains(reason, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_the_policy_allows_gets_a_code()
    {
        using var rp = new RelyingParty(idp, TestSystems.LikaId, TestSystems.LikaSecret, TestSystems.Redirect);
        var (verifier, challenge) = RelyingParty.Pkce();

        var callback = await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, redirect: TestSystems.Redirect), "anna.larare");

        var tokens = await rp.RedeemAsync(RelyingParty.Query(callback)["code"], verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
    }

    [Fact]
    public async Task With_prompt_none_a_refused_person_gets_access_denied_at_once()
    {
        using var rp = new RelyingParty(idp, TestSystems.PrincipalsId, TestSystems.PrincipalsSecret, TestSystems.Redirect);
        var (_, challenge) = RelyingParty.Pkce();
        // Sign in first at a client open to anyone (same browser), then ask silently for the refused one.
        using var lunch = new RelyingParty(idp, TestSystems.MinimalId, TestSystems.MinimalSecret, TestSystems.Redirect);
        await rp.AuthorizeAsync(lunch.AuthorizeUrl(challenge, redirect: TestSystems.Redirect), "elin.elev");

        var response = await rp.Browser.GetAsync(rp.AuthorizeUrl(challenge, redirect: TestSystems.Redirect,
            extra: new Dictionary<string, string?> { ["prompt"] = "none" }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("access_denied", RelyingParty.Query(response.Headers.Location!)["error"]);
    }
}
