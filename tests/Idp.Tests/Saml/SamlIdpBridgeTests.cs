using System.Net;
using System.Net.Sockets;
using System.Xml;
using Federation.Feed;
using Federation.Idp.Audit;
using Federation.Idp.Identity;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Bridge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Federation.Idp.Tests.Saml;

/// <summary>
/// The bridge to the idp's one sign-in session (<see cref="FederationSession"/>, the cookie the
/// login page and OIDC use): a local session reaches a SAML SP, an upstream SAML sign-in becomes
/// that session and reaches a SAML SP, and challenges go to the idp's login and MFA pages.
/// </summary>
public sealed class SamlIdpBridgeTests(SamlDatabaseFixture database) : IClassFixture<SamlDatabaseFixture>
{
    private sealed class BridgeHost(WebApplication app, Uri origin, CookieContainer cookies) : IAsyncDisposable
    {
        public Uri Origin { get; } = origin;
        public HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = origin };

        public async ValueTask DisposeAsync()
        {
            Browser.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private async Task<BridgeHost> StartAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var origin = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        listener.Stop();
        var upstreamMetadata = Path.Combine(database.Directory, $"upstream-{Guid.NewGuid():n}.xml");
        await File.WriteAllTextAsync(upstreamMetadata,
            Federation.Idp.Saml.Idp.SamlMetadataWriter.Idp(SamlSpHarness.UpstreamEntityId, new Uri("https://upstream.test/sso"), TestKeys.Upstream));

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls(origin.AbsoluteUri);
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Saml:IdpEntityId"] = new Uri(origin, "/saml").AbsoluteUri,
            ["Saml:SpEntityId"] = new Uri(origin, "/saml/sp").AbsoluteUri,
            ["Saml:PublicOrigin"] = origin.AbsoluteUri,
            ["Saml:ConnectionString"] = database.ConnectionString,
            ["Saml:GeneratedKeySize"] = "2048",
            ["Saml:Upstreams:0:Name"] = "upstream",
            ["Saml:Upstreams:0:MetadataPath"] = upstreamMetadata,
        });
        // The parts of the idp the bridge stands on: the session cookie and the audit.
        builder.Services.AddAuthentication(FederationSession.Scheme).AddFederationSession(TimeSpan.FromHours(8));
        builder.Services.AddSingleton<SignInAudit>();
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(database.Directory, "keys"))).SetApplicationName("federation-idp-tests");
        builder.Services.AddSingleton<IFederationFeedSource>(new StaticFeedSource(new FederationFeed(1, DateTimeOffset.UtcNow,
        [
            SamlTestHost.SamlSystem("schoolsoft", SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs", ["eppn", "school_units", "given_name"]),
            SamlTestHost.SamlSystem("procapita", "https://procapita.test/sp", "https://procapita.test/acs", ["eppn"], access: new FeedAccessPolicy([], [], [], "loa3")),
        ])));
        builder.AddSaml();

        var app = builder.Build();
        app.MapSamlEndpoints();
        // What the idp's login page does once the password is right.
        app.MapGet("/test/local-login", async (HttpContext http) =>
        {
            await FederationSession.SignInAsync(http, new FederationIdentity
            {
                Subject = "local-anna",
                UserName = "anna.larare",
                GivenName = "Anna",
                Eppn = "anna.larare@skola.example.se",
                SchoolUnits = ["41526371"],
                Roles = ["larare"],
                AssuranceLevel = AssuranceLevel.Loa2,
                AuthenticatedAt = DateTimeOffset.UtcNow,
            });
            return Results.Ok();
        });
        await app.StartAsync();
        return new BridgeHost(app, origin, new CookieContainer());
    }

    private static string Sso(Uri origin, string sp, string acs, bool forceAuthn = false)
    {
        var request = SamlMessageWriter.AuthnRequest(SamlMessageWriter.NewId(), sp, new Uri(origin, SamlEndpoints.SsoPath), new Uri(acs), DateTimeOffset.UtcNow, forceAuthn, [], "exact");
        return SamlEndpoints.SsoPath + "?" + RedirectBinding.BuildQuery("SAMLRequest", request.OuterXml, null, null);
    }

    private static async Task<Dictionary<string, List<string>>> AttributesAsync(HttpResponseMessage page)
    {
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var value = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"SAMLResponse\" value=\"([^\"]*)\"").Groups[1].Value);
        var document = new XmlDocument();
        document.LoadXml(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value)));
        return document.GetElementsByTagName("Attribute", SamlNames.Assertion).Cast<XmlElement>()
            .ToDictionary(a => a.GetAttribute("FriendlyName"), a => a.GetElementsByTagName("AttributeValue", SamlNames.Assertion).Cast<XmlElement>().Select(v => v.InnerText).ToList());
    }

    [Fact]
    public async Task Without_a_session_the_SP_request_goes_to_the_idp_login_page()
    {
        await using var host = await StartAsync();
        var response = await host.Browser.GetAsync(Sso(host.Origin, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?ReturnUrl=%2Fsaml%2Fsso%2Fcontinue%2F", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_session_reaches_a_SAML_SP_without_signing_in_again()
    {
        await using var host = await StartAsync();
        await host.Browser.GetAsync("/test/local-login");

        var attributes = await AttributesAsync(await host.Browser.GetAsync(Sso(host.Origin, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs")));

        Assert.Equal(["anna.larare@skola.example.se"], attributes["eduPersonPrincipalName"]);
        Assert.Equal(["41526371"], attributes["sisSchoolUnitCode"]);
        Assert.Equal(["Anna"], attributes["givenName"]);
    }

    [Fact]
    public async Task ForceAuthn_goes_to_login_and_a_loa3_SP_to_MFA()
    {
        await using var host = await StartAsync();
        await host.Browser.GetAsync("/test/local-login");

        var forced = await host.Browser.GetAsync(Sso(host.Origin, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs", forceAuthn: true));
        var stepUp = await host.Browser.GetAsync(Sso(host.Origin, "https://procapita.test/sp", "https://procapita.test/acs"));

        Assert.StartsWith("/login?ReturnUrl=", forced.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("/mfa?ReturnUrl=", stepUp.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream_SAML_sign_in_becomes_the_session_and_reaches_a_downstream_SAML_SP()
    {
        await using var host = await StartAsync();
        var login = await host.Browser.GetAsync($"{SamlEndpoints.SpLoginPath}/upstream?returnUrl=/after");
        var requestXml = RedirectBinding.Inflate(RedirectBinding.QueryValue(login.Headers.Location!.Query, "SAMLRequest")!.Replace(' ', '+'), 100_000);
        var request = new XmlDocument();
        request.LoadXml(requestXml);
        var content = new AssertionContent(
            SamlSpHarness.UpstreamEntityId, new Uri(host.Origin, SamlEndpoints.SpAcsPath).AbsoluteUri, request.DocumentElement!.GetAttribute("ID"),
            new Uri(host.Origin, "/saml/sp").AbsoluteUri, "adfs-rolf-1", SamlNames.NameIdPersistent, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5),
            DateTimeOffset.UtcNow, SamlNames.Loa2,
            [
                new SamlAttribute("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName", ["rolf.rektor@skola.example.se"]),
                new SamlAttribute("urn:oid:1.2.752.194.10.2.4", "sisSchoolUnitCode", ["41526371"]),
                new SamlAttribute("urn:oid:2.5.4.42", "givenName", ["Rolf"]),
            ]);
        var posted = await host.Browser.PostAsync(SamlEndpoints.SpAcsPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["SAMLResponse"] = SamlSpHarness.Encode(Forge.Response(content)),
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/after", posted.Headers.Location!.OriginalString);

        var attributes = await AttributesAsync(await host.Browser.GetAsync(Sso(host.Origin, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs")));

        Assert.Equal(["rolf.rektor@skola.example.se"], attributes["eduPersonPrincipalName"]);
        Assert.Equal(["41526371"], attributes["sisSchoolUnitCode"]);
        Assert.Equal(["Rolf"], attributes["givenName"]);
    }
}
