using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Federation.Core.Feed;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Sp;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Idp.Tests.Saml;

/// <summary>
/// Interop with real SAML software: pysaml2 (Debian's python3-pysaml2, with xmlsec1) as a
/// downstream SP signing in through our IdP, and as an upstream IdP whose responses our SP accepts.
/// Each direction is judged by the receiving side's own validation.
/// </summary>
public sealed class PySaml2InteropTests(SamlDatabaseFixture database) : IClassFixture<SamlDatabaseFixture>
{
    private const string PySpEntityId = "https://pysaml2-sp.test/sp";
    private const string PyIdpEntityId = "https://pysaml2-idp.test/idp";
    private const string PyIdpSso = "https://pysaml2-idp.test/sso";

    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "interop", "pysaml2", "pysaml2_peer.py");

    private static async Task<JsonElement> RunPeerAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var peer = await PeerProcess.RunAsync(start, TimeSpan.FromSeconds(90));
        Assert.True(peer.ExitCode == 0, $"pysaml2 peer failed ({peer.ExitCode}): {peer.Errors}");
        return JsonDocument.Parse(peer.Output).RootElement;
    }

    private (string Key, string Cert) WritePem(X509Certificate2 certificate, string name)
    {
        var key = Path.Combine(database.Directory, $"{name}-{Guid.NewGuid():n}.key");
        var cert = Path.Combine(database.Directory, $"{name}-{Guid.NewGuid():n}.crt");
        using var rsa = certificate.GetRSAPrivateKey()!;
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        return (key, cert);
    }

    [Theory]
    [InlineData("redirect", false)]
    [InlineData("redirect", true)]
    [InlineData("post", true)]
    public async Task Pysaml2_SP_signs_in_through_our_IdP_and_accepts_our_response(string binding, bool sign)
    {
        // Nothing is posted to the SP's ACS: the peer reads our response from the form it would post.
        // A port held closed for the test makes sure nothing else could receive it either.
        using var closed = new ClosedPort();
        var pySpAcs = closed.Url("/pysaml2/acs").AbsoluteUri;
        var feed = new FederationFeed(1, DateTimeOffset.UtcNow,
        [
            SamlTestHost.SamlSystem("pysaml2-sp", PySpEntityId, pySpAcs, ["eppn", "given_name", "school_units"],
                certificate: Convert.ToBase64String(TestKeys.DownstreamSp.RawData)),
        ]);
        await using var host = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString, feed);
        host.Session.Current = TestSubjects.Anna;
        var (key, cert) = WritePem(TestKeys.DownstreamSp, "sp");

        var arguments = new List<string>
        {
            "sp-login",
            "--idp-metadata-url", new Uri(host.Origin, SamlEndpoints.MetadataPath).AbsoluteUri,
            "--idp-entity-id", host.IdpEntityId,
            "--entity-id", PySpEntityId,
            "--acs", pySpAcs,
            "--key", key,
            "--cert", cert,
            "--binding", binding,
            "--relay-state", "pysaml2-relay",
        };
        if (sign)
        {
            arguments.Add("--sign");
        }
        var result = await RunPeerAsync([.. arguments]);

        Assert.Equal(result.GetProperty("request_id").GetString(), result.GetProperty("in_response_to").GetString());
        Assert.Equal(host.IdpEntityId, result.GetProperty("issuer").GetString());
        Assert.Equal(SamlNames.NameIdPersistent, result.GetProperty("name_id_format").GetString());
        Assert.DoesNotContain("anna", result.GetProperty("name_id").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("pysaml2-relay", result.GetProperty("relay_state").GetString());
        Assert.True(result.GetProperty("response_signed").GetBoolean());
        Assert.True(result.GetProperty("assertion_signed").GetBoolean());
        Assert.True(result.GetProperty("has_submit_button").GetBoolean());
        Assert.Contains(SamlNames.Loa2, result.GetProperty("authn_context").EnumerateArray().Select(e => e.GetString()));
        var attributes = result.GetProperty("attributes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()).ToList());
        Assert.Equal(["anna.larare@skola.example.se"], attributes["eduPersonPrincipalName"]);
        Assert.Equal(["Anna"], attributes["givenName"]);
        Assert.Equal(3, attributes.Count);
    }

    private async Task<(SamlTestHost Host, HttpClient Browser, CookieContainer Cookies, string ResponseBase64)> UpstreamResponseAsync(string encrypt)
    {
        var (key, cert) = WritePem(TestKeys.Upstream, "idp");
        string[] idp = ["--entity-id", PyIdpEntityId, "--sso", PyIdpSso, "--key", key, "--cert", cert];
        var metadata = Path.Combine(database.Directory, "pysaml2-idp.xml");
        if (!File.Exists(metadata))
        {
            // The same key and settings every time: one run of pysaml2 per class is enough.
            await File.WriteAllTextAsync(metadata, (await RunPeerAsync(["idp-metadata", .. idp])).GetProperty("metadata").GetString());
        }

        var host = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString, settings: new()
        {
            ["Saml:Upstreams:0:MetadataPath"] = metadata,
            ["Saml:Upstreams:0:RequestedAuthnContext:0"] = SamlNames.Loa3,
        });
        var cookies = new CookieContainer();
        var browser = host.Browser(cookies);
        var login = await browser.GetAsync($"{SamlEndpoints.SpLoginPath}/upstream?returnUrl=/after");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.StartsWith(PyIdpSso + "?", login.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        var spMetadata = Path.Combine(database.Directory, $"our-sp-{Guid.NewGuid():n}.xml");
        await File.WriteAllTextAsync(spMetadata, await host.Client().GetStringAsync(SamlEndpoints.SpMetadataPath));

        var answer = await RunPeerAsync(["idp-respond", .. idp, "--sp-metadata", spMetadata, "--request-url", login.Headers.Location!.AbsoluteUri, "--encrypt", encrypt]);
        Assert.Equal(new Uri(host.Origin, SamlEndpoints.SpAcsPath).AbsoluteUri, answer.GetProperty("acs").GetString());
        return (host, browser, cookies, answer.GetProperty("response").GetString()!);
    }

    /// <summary>Why our validator refuses a response (the ACS itself does not tell).</summary>
    private static async Task<string?> ReasonAsync(SamlTestHost host, CookieContainer cookies, string response)
    {
        using var scope = host.App.Services.CreateScope();
        var acs = new Uri(host.Origin, SamlEndpoints.SpAcsPath);
        var binding = cookies.GetCookies(acs).FirstOrDefault()?.Value;
        var result = await scope.ServiceProvider.GetRequiredService<SamlResponseValidator>().ValidateAsync(response, acs, _ => binding);
        return $"{result.Check}: {result.Reason}";
    }

    private static FormUrlEncodedContent Form(string response) => new(new Dictionary<string, string> { ["SAMLResponse"] = response });

    [Theory]
    [InlineData("none")]
    [InlineData("aes256-cbc")]
    public async Task Our_SP_accepts_a_pysaml2_IdP_response(string encrypt)
    {
        var (host, browser, cookies, response) = await UpstreamResponseAsync(encrypt);
        await using var _ = host;
        using var __ = browser;

        var posted = await browser.PostAsync(SamlEndpoints.SpAcsPath, Form(response));

        Assert.True(posted.StatusCode == HttpStatusCode.OK, $"refused: {await ReasonAsync(host, cookies, response)}");
        var identity = Assert.Single(host.UpstreamSignIn.SignedIn);
        Assert.Equal("upstream-rolf-4711", identity.NameId);
        Assert.Equal(PyIdpEntityId, identity.Issuer);
        Assert.Equal(SamlNames.Loa3, identity.AuthnContextClassRef);
        Assert.Equal("/after", identity.ReturnUrl);
        Assert.Equal(["rolf.rektor@skola.example.se"], identity.Attributes["urn:oid:1.3.6.1.4.1.5923.1.1.1.6"]);
    }

    [Fact]
    public async Task Pysaml2_default_3DES_encryption_is_refused()
    {
        var (host, browser, cookies, response) = await UpstreamResponseAsync("default");
        await using var _ = host;
        using var __ = browser;

        var posted = await browser.PostAsync(SamlEndpoints.SpAcsPath, Form(response));

        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        Assert.Empty(host.UpstreamSignIn.SignedIn);
        Assert.Equal($"decryption: {SamlReason.EncryptionAlgorithm}", await ReasonAsync(host, cookies, response));
    }
}
