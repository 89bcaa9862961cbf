using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Federation.Idp.Identity;
using Federation.Idp.Saml;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Federation.Idp.Tests.Bridging;

/// <summary>Step-up, the home realm choice, refused upstream sign-ins and start-up validation of the upstream settings.</summary>
[Collection(BridgingCollection.Name)]
public sealed class UpstreamSignInTests(BridgingHosts hosts)
{
    [Fact]
    public async Task A_SAML_SP_that_requires_loa3_steps_up_with_the_same_MFA_as_OIDC_and_the_session_keeps_it()
    {
        await hosts.Idp.PublishAsync(systems => systems.Select(s => s.Id == "bridge-sp" ? s with { Access = s.Access with { AssuranceLevel = "loa3" } } : s));
        try
        {
            using var browser = new BridgeBrowser(hosts, BridgeBrowser.Local, "rolf.rektor", DemoUsers.RolfTotpSecret);

            var assertion = await browser.SamlSignInAsync();

            Assert.Equal(SamlNames.Loa3, assertion.AuthnContextClassRef);
            Assert.Single(browser.LoginPagesSeen);
            Assert.Single(browser.MfaPagesSeen);
            Assert.StartsWith("/mfa?ReturnUrl=%2Fsaml%2Fsso%2Fcontinue%2F", browser.MfaPagesSeen[0], StringComparison.Ordinal);
            // The OIDC client now gets loa3 from the same session, without a login or MFA page.
            var id = await browser.OidcSignInAsync();
            Assert.Equal("loa3", id.GetClaim("acr").Value);
            Assert.Single(browser.LoginPagesSeen);
            Assert.Single(browser.MfaPagesSeen);
        }
        finally
        {
            await hosts.Idp.PublishAsync(systems => systems.Select(s => s.Id == "bridge-sp" ? s with { Access = s.Access with { AssuranceLevel = "loa2" } } : s));
        }
    }

    [Fact]
    public async Task A_SAML_ForceAuthn_request_asks_again_despite_a_loa3_session_then_steps_up_to_the_requested_loa3()
    {
        using var browser = new BridgeBrowser(hosts, BridgeBrowser.Local, "rolf.rektor", DemoUsers.RolfTotpSecret);
        var before = await browser.OidcSignInAsync(acrValues: "loa3");
        Assert.Single(browser.LoginPagesSeen);
        Assert.Single(browser.MfaPagesSeen);

        var assertion = await browser.SamlSignInAsync("strict");

        // Password again (ForceAuthn), then the second factor again (RequestedAuthnContext loa3).
        Assert.Equal(2, browser.LoginPagesSeen.Count);
        Assert.Equal(2, browser.MfaPagesSeen.Count);
        Assert.Equal(SamlNames.Loa3, assertion.AuthnContextClassRef);
        var after = await browser.OidcSignInAsync();
        Assert.Equal(before.Subject, after.Subject);
        Assert.Equal("loa3", after.GetClaim("acr").Value);
        Assert.Equal(2, browser.LoginPagesSeen.Count);
    }

    [Theory]
    [InlineData("sv", "Eller logga in via din organisation")]
    [InlineData("en", "Or sign in through your organisation")]
    public async Task The_login_page_offers_every_configured_upstream_as_a_plain_link_beside_the_local_form(string language, string heading)
    {
        using var browser = hosts.Idp.CreateBrowser(acceptLanguage: language);
        const string returnUrl = "/saml/sso/continue/abc";

        var page = await browser.GetStringAsync("/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Contains(heading, page, StringComparison.Ordinal);
        Assert.Contains("name=\"Password\"", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/saml/sp/login/{BridgingHosts.SamlUpstream}?returnUrl=%2Fsaml%2Fsso%2Fcontinue%2Fabc\"", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/upstream/oidc/{BridgingHosts.OidcUpstream}?returnUrl=%2Fsaml%2Fsso%2Fcontinue%2Fabc\"", page, StringComparison.Ordinal);
        Assert.Contains(">Kommunens AD FS</a>", page, StringComparison.Ordinal);
        Assert.Contains(">Kommunens Entra ID</a>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_OIDC_link_never_returns_off_site()
    {
        using var browser = hosts.Idp.CreateBrowser();

        var response = await browser.GetAsync($"/upstream/oidc/{BridgingHosts.OidcUpstream}?returnUrl=https://evil.example/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var authorize = response.Headers.Location!;
        Assert.Equal(hosts.Upstream.BaseAddress.Authority, authorize.Authority);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/upstream/oidc/nobody")).StatusCode);
    }

    [Fact]
    public async Task An_upstream_OIDC_callback_with_a_forged_state_is_refused_logged_and_counted_and_signs_no_one_in()
    {
        using var logins = new LoginCounter();
        using var browser = new BridgeBrowser(hosts, BridgingHosts.OidcUpstream);

        var response = await browser.Http.GetAsync($"/signin-oidc/{BridgingHosts.OidcUpstream}?code=stolen&state=forged");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/error", response.Headers.Location!.OriginalString);
        Assert.Contains(("oidc", BridgingHosts.OidcUpstream, "state_invalid"), logins.Seen);
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task An_accepted_SAML_assertion_whose_mapping_finds_no_subject_is_refused_logged_and_counted_and_signs_no_one_in()
    {
        using var logins = new LoginCounter();
        using var browser = new BridgeBrowser(hosts, BridgingHosts.MisconfiguredSamlUpstream);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => browser.OidcSignInAsync());

        Assert.StartsWith("Unexpected 403 at " + new Uri(hosts.Idp.BaseAddress, SamlEndpoints.SpAcsPath.TrimStart('/')), error.Message, StringComparison.Ordinal);
        Assert.Contains(("saml", BridgingHosts.MisconfiguredSamlUpstream, "subject_missing"), logins.Seen);
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task A_forged_SAML_response_at_our_ACS_is_refused_and_counted_by_the_library_and_signs_no_one_in()
    {
        using var logins = new LoginCounter();
        using var browser = new BridgeBrowser(hosts, BridgingHosts.SamlUpstream);
        // A real pending request to this collection's upstream, so the refusal is counted under its
        // name: the listener hears every idp in the process, and other classes refuse SAML in parallel.
        var requestId = await PendingRequestIdAsync(browser.Http, BridgingHosts.SamlUpstream);

        var response = await browser.Http.PostAsync(SamlEndpoints.SpAcsPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["SAMLResponse"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(
                $"""
                <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_x" Version="2.0" InResponseTo="{requestId}">
                  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
                  <saml:Assertion ID="_a" Version="2.0"/>
                </samlp:Response>
                """)),
        }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(logins.Seen, l => l.Protocol == "saml" && l.Upstream == BridgingHosts.SamlUpstream && l.Outcome != "success");
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task Upstream_settings_are_validated_on_start()
    {
        var host = new MisconfiguredHost();
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(host.InitializeAsync);
            Assert.Contains("ClientId and ClientSecret are required", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("Issuer must use https", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private async Task AssertSignedOutAsync(BridgeBrowser browser)
    {
        var (_, challenge) = RelyingParty.Pkce();
        var response = await browser.Http.GetAsync(browser.Portal.AuthorizeUrl(challenge));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>Starts a sign-in at <paramref name="upstream"/> and returns the ID of the AuthnRequest our SP sent (redirect or POST binding).</summary>
    private static async Task<string> PendingRequestIdAsync(HttpClient browser, string upstream)
    {
        using var start = await browser.GetAsync($"/saml/sp/login/{upstream}?returnUrl=%2F");
        string request;
        if (start.Headers.Location is { } location)
        {
            var encoded = QueryHelpers.ParseQuery(location.Query)["SAMLRequest"].ToString();
            using var deflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(encoded)), CompressionMode.Decompress);
            using var reader = new StreamReader(deflate, Encoding.UTF8);
            request = await reader.ReadToEndAsync();
        }
        else
        {
            var html = await start.Content.ReadAsStringAsync();
            var value = Regex.Match(html, "name=\"SAMLRequest\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
            request = Encoding.UTF8.GetString(Convert.FromBase64String(WebUtility.HtmlDecode(value)));
        }
        return Regex.Match(request, "\\bID=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } id
            ? id
            : throw new InvalidOperationException("No AuthnRequest ID in: " + request);
    }

    private sealed class MisconfiguredHost : IdpHost
    {
        protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [
            new("Upstreams:Oidc:0:Name", "entra"),
            new("Upstreams:Oidc:0:Issuer", "http://login.example.com/tenant/v2.0"),
        ];
    }

    /// <summary>Records <c>federation.idp.sign_ins</c> from every meter (the idp's and the SAML library's): protocol, upstream or party, outcome or reason.</summary>
    private sealed class LoginCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Protocol, string Upstream, string Outcome)> _seen = [];

        public LoginCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "federation.idp.sign_ins")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                var values = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var tag in tags)
                {
                    values[tag.Key] = tag.Value?.ToString();
                }
                string? Tag(string name) => values.GetValueOrDefault(name);
                var outcome = Tag("reason") is { } reason && reason != "none" ? reason : Tag("outcome");
                lock (_seen)
                {
                    _seen.Add((Tag("protocol") ?? "", Tag("upstream") ?? Tag("party") ?? "", outcome ?? ""));
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<(string Protocol, string Upstream, string Outcome)> Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
