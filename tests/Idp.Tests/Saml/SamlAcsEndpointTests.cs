using System.Net;
using System.Text;
using System.Xml;
using Federation.Idp.Saml;

namespace Federation.Idp.Tests.Saml;

/// <summary>The SP side over HTTP: login redirect upstream, then the ACS.</summary>
public sealed class SamlAcsEndpointTests(SamlDatabaseFixture database) : IClassFixture<SamlDatabaseFixture>
{
    private static async Task<string> StartLoginAsync(SamlTestHost host, HttpClient browser, string returnUrl = "/after")
    {
        var redirect = await browser.GetAsync($"{SamlEndpoints.SpLoginPath}/upstream?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!;
        Assert.Equal("upstream.test", location.Host);
        var xml = RedirectBinding.Inflate(RedirectBinding.QueryValue(location.Query, "SAMLRequest")!.Replace(' ', '+'), 100_000);
        var request = new XmlDocument();
        request.LoadXml(xml);
        return request.DocumentElement!.GetAttribute("ID");
    }

    private static AssertionContent Content(SamlTestHost host, string requestId) => new(
        SamlSpHarness.UpstreamEntityId,
        new Uri(host.Origin, SamlEndpoints.SpAcsPath).AbsoluteUri,
        requestId,
        new Uri(host.Origin, "/saml/sp").AbsoluteUri,
        "rolf.rektor@skola.example.se",
        SamlNames.NameIdPersistent,
        DateTimeOffset.UtcNow,
        TimeSpan.FromMinutes(5),
        DateTimeOffset.UtcNow,
        SamlNames.Loa2,
        []);

    private static FormUrlEncodedContent Form(XmlDocument response) =>
        new(new Dictionary<string, string> { ["SAMLResponse"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(response.OuterXml)) });

    [Fact]
    public async Task Accepted_response_signs_the_user_in_and_returns_to_the_stored_url()
    {
        await using var host = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString);
        var cookies = new CookieContainer();
        using var browser = host.Browser(cookies);
        var requestId = await StartLoginAsync(host, browser, "/connect/authorize?client_id=x");

        var response = await browser.PostAsync(SamlEndpoints.SpAcsPath, Form(Forge.Response(Content(host, requestId))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(cookies.GetCookies(new Uri(host.Origin, SamlEndpoints.SpAcsPath))); // the binding is used up
        var identity = Assert.Single(host.UpstreamSignIn.SignedIn);
        Assert.Equal("rolf.rektor@skola.example.se", identity.NameId);
        Assert.Equal("/connect/authorize?client_id=x", identity.ReturnUrl);
    }

    [Fact]
    public async Task Refused_response_signs_nobody_in_and_tells_no_detail()
    {
        await using var host = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString);
        using var browser = host.Browser(new CookieContainer());
        var requestId = await StartLoginAsync(host, browser);

        var response = await browser.PostAsync(SamlEndpoints.SpAcsPath, Form(Forge.Response(Content(host, requestId), key: TestKeys.Attacker)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(SamlReason.SignatureInvalid, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.UpstreamSignIn.SignedIn);
    }

    /// <summary>
    /// Login CSRF: the attacker starts a sign-in in his own browser, signs in at the upstream as
    /// himself and has the victim's browser post his (valid, signed) response to our ACS.
    /// </summary>
    [Fact]
    public async Task Response_posted_by_a_browser_that_did_not_start_the_request_is_refused()
    {
        await using var host = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString);
        using var attacker = host.Browser(new CookieContainer());
        using var victim = host.Browser(new CookieContainer());
        var requestId = await StartLoginAsync(host, attacker);
        var form = Forge.Response(Content(host, requestId));

        var posted = await victim.PostAsync(SamlEndpoints.SpAcsPath, Form(form));

        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        Assert.Empty(host.UpstreamSignIn.SignedIn);
        // The same response from the browser that started the request is good: the binding made the difference.
        Assert.Equal(HttpStatusCode.OK, (await attacker.PostAsync(SamlEndpoints.SpAcsPath, Form(form))).StatusCode);
    }

    [Fact]
    public async Task Response_posted_with_another_requests_binding_is_refused()
    {
        await using var host = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString);
        using var attacker = host.Browser(new CookieContainer());
        var victimCookies = new CookieContainer();
        using var victim = host.Browser(victimCookies);
        var attackersRequest = await StartLoginAsync(host, attacker);
        var victimsRequest = await StartLoginAsync(host, victim);
        var acs = new Uri(host.Origin, SamlEndpoints.SpAcsPath);
        var victimsBinding = Assert.Single(victimCookies.GetCookies(acs));
        Assert.EndsWith(victimsRequest, victimsBinding.Name, StringComparison.Ordinal);

        // The victim's own cookie, and then its value under the name of the attacker's request.
        var posted = await victim.PostAsync(SamlEndpoints.SpAcsPath, Form(Forge.Response(Content(host, attackersRequest))));
        victimCookies.Add(acs, new Cookie(victimsBinding.Name.Replace(victimsRequest, attackersRequest, StringComparison.Ordinal), victimsBinding.Value, SamlEndpoints.SpAcsPath));
        var forged = await victim.PostAsync(SamlEndpoints.SpAcsPath, Form(Forge.Response(Content(host, attackersRequest))));

        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Empty(host.UpstreamSignIn.SignedIn);
    }

    [Fact]
    public async Task Binding_cookie_is_HttpOnly_scoped_to_the_ACS_and_Lax_over_loopback_http()
    {
        await using var host = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString);
        var redirect = await host.Client().GetAsync($"{SamlEndpoints.SpLoginPath}/upstream?returnUrl=/after");

        var cookie = Assert.Single(redirect.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("saml-sp_", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/saml/sp/acs", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Binding_cookie_over_https_is_SameSite_None_Secure_so_the_upstreams_cross_site_POST_carries_it()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new SamlOptions { PublicOrigin = new Uri("https://idp.example.se") });
        var binding = new Federation.Idp.Saml.Sp.SamlBrowserBinding(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(), options);
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        var request = new Federation.Idp.Saml.Sp.SamlOutgoingRequest(new Uri("https://upstream.test/sso"), "_abc", binding.Create("_abc"));

        binding.Issue(http.Response, request);

        var cookie = http.Response.Headers.SetCookie.ToString();
        Assert.StartsWith("__Secure-saml-sp_abc=", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=none", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.True(binding.Matches("_abc", request.BrowserBinding));
        Assert.False(binding.Matches("_abd", request.BrowserBinding));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    public async Task Login_refuses_a_return_url_off_site(string returnUrl)
    {
        await using var host = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString);
        var response = await host.Client().GetAsync($"{SamlEndpoints.SpLoginPath}/upstream?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SP_metadata_offers_the_encryption_key_and_the_ACS()
    {
        await using var host = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString);
        var xml = await host.Client().GetStringAsync(SamlEndpoints.SpMetadataPath);
        Assert.Contains("use=\"encryption\"", xml, StringComparison.Ordinal);
        Assert.Contains(new Uri(host.Origin, SamlEndpoints.SpAcsPath).AbsoluteUri, xml, StringComparison.Ordinal);
        Assert.Contains(SamlNames.Aes256Gcm, xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream_whose_metadata_file_is_missing_stops_the_start()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            SamlTestHost.StartAsync(database.Directory, database.ConnectionString, settings: new()
            {
                ["Saml:Upstreams:0:MetadataPath"] = "/nonexistent/adfs-metadata.xml",
            }));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }
}
