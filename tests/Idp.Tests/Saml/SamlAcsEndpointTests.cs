using System.Net;
using System.Text;
using System.Xml;
using Federation.Idp.Saml;

namespace Federation.Idp.Tests.Saml;

/// <summary>The SP side over HTTP: login redirect upstream, then the ACS.</summary>
public sealed class SamlAcsEndpointTests(SamlDatabaseFixture database) : IClassFixture<SamlDatabaseFixture>
{
    private static async Task<string> StartLoginAsync(SamlTestHost host, string returnUrl = "/after")
    {
        var redirect = await host.Client().GetAsync($"{SamlEndpoints.SpLoginPath}/upstream?returnUrl={Uri.EscapeDataString(returnUrl)}");
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
        var requestId = await StartLoginAsync(host, "/connect/authorize?client_id=x");

        var response = await host.Client().PostAsync(SamlEndpoints.SpAcsPath, Form(Forge.Response(Content(host, requestId))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var identity = Assert.Single(host.UpstreamSignIn.SignedIn);
        Assert.Equal("rolf.rektor@skola.example.se", identity.NameId);
        Assert.Equal("/connect/authorize?client_id=x", identity.ReturnUrl);
    }

    [Fact]
    public async Task Refused_response_signs_nobody_in_and_tells_no_detail()
    {
        await using var host = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString);
        var requestId = await StartLoginAsync(host);

        var response = await host.Client().PostAsync(SamlEndpoints.SpAcsPath, Form(Forge.Response(Content(host, requestId), key: TestKeys.Attacker)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(SamlReason.SignatureInvalid, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.UpstreamSignIn.SignedIn);
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
