using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using Federation.Core.Feed;
using Federation.Idp.Saml;

namespace Federation.Idp.Tests.Saml;

/// <summary>The IdP side over HTTP: metadata, both bindings, what the response says and to whom.</summary>
public sealed partial class SamlIdentityProviderTests(SamlDatabaseFixture database) : IClassFixture<SamlDatabaseFixture>
{
    private Task<SamlTestHost> Host(FederationFeed? feed = null, Dictionary<string, string?>? settings = null) =>
        SamlTestHost.StartAsync(database.Directory, database.ConnectionString, feed, settings);

    internal static string AuthnRequest(SamlTestHost host, string issuer, string acs, bool forceAuthn = false, bool isPassive = false,
        string? nameIdFormat = null, IReadOnlyList<string>? classRefs = null, string id = "_req1")
    {
        var document = SamlMessageWriter.AuthnRequest(id, issuer, new Uri(host.Origin, SamlEndpoints.SsoPath), new Uri(acs),
            DateTimeOffset.UtcNow, forceAuthn, classRefs ?? [], "minimum");
        var root = document.DocumentElement!;
        if (isPassive)
        {
            root.SetAttribute("IsPassive", "true");
        }
        if (nameIdFormat is not null)
        {
            ((XmlElement)root.GetElementsByTagName("NameIDPolicy", SamlNames.Protocol)[0]!).SetAttribute("Format", nameIdFormat);
        }
        return document.OuterXml;
    }

    internal static async Task<X509Certificate2> IdpCertificateAsync(SamlTestHost host)
    {
        var metadata = new XmlDocument();
        metadata.LoadXml(await host.Client().GetStringAsync(SamlEndpoints.MetadataPath));
        var text = metadata.GetElementsByTagName("X509Certificate", SamlNames.DSig)[0]!.InnerText;
        return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text));
    }

    /// <summary>Reads the auto-post page and checks both signatures with the IdP's published certificate.</summary>
    internal static async Task<(XmlDocument Response, string? RelayState, string Action)> ReadPostAsync(SamlTestHost host, HttpResponseMessage page)
    {
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<button type=\"submit\">", html, StringComparison.Ordinal);
        var action = WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value);
        var value = WebUtility.HtmlDecode(Field("SAMLResponse").Match(html).Groups[1].Value);
        var relay = Field("RelayState").Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
        var document = SecureXml.Load(Encoding.UTF8.GetString(Convert.FromBase64String(value)), 1_000_000);
        var certificate = await IdpCertificateAsync(host);
        Assert.Null(EnvelopedSignature.Verify(document.DocumentElement!, [certificate]));
        if (document.GetElementsByTagName("Assertion", SamlNames.Assertion) is { Count: 1 } assertions)
        {
            Assert.Null(EnvelopedSignature.Verify((XmlElement)assertions[0]!, [certificate]));
        }
        return (document, relay, action);
    }

    private static Regex Field(string name) => new($"name=\"{name}\" value=\"([^\"]*)\"");

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]*)\"")]
    private static partial Regex FormAction();

    private static string Text(XmlDocument document, string localName) =>
        document.GetElementsByTagName(localName, SamlNames.Assertion)[0]?.InnerText ?? "";

    private static string? StatusCode(XmlDocument document) =>
        ((XmlElement?)document.GetElementsByTagName("StatusCode", SamlNames.Protocol)[^1])?.GetAttribute("Value");

    private static Dictionary<string, List<string>> Attributes(XmlDocument document) =>
        document.GetElementsByTagName("Attribute", SamlNames.Assertion).Cast<XmlElement>()
            .ToDictionary(a => a.GetAttribute("Name"), a => a.GetElementsByTagName("AttributeValue", SamlNames.Assertion).Cast<XmlElement>().Select(v => v.InnerText).ToList());

    private static string RedirectUrl(string xml, string? relayState = null, X509Certificate2? signer = null)
    {
        using var key = signer?.GetRSAPrivateKey();
        return SamlEndpoints.SsoPath + "?" + RedirectBinding.BuildQuery("SAMLRequest", xml, relayState, key);
    }

    [Fact]
    public async Task Metadata_publishes_the_signing_certificate_and_both_bindings_and_keeps_the_key()
    {
        await using var host = await Host();
        var xml = await host.Client().GetStringAsync(SamlEndpoints.MetadataPath);
        var first = await IdpCertificateAsync(host);
        await using var replica = await Host();
        var second = await IdpCertificateAsync(replica);

        Assert.Contains(SamlNames.BindingRedirect, xml, StringComparison.Ordinal);
        Assert.Contains(SamlNames.BindingPost, xml, StringComparison.Ordinal);
        Assert.Contains("IDPSSODescriptor", xml, StringComparison.Ordinal);
        Assert.Equal(first.Thumbprint, second.Thumbprint);
        using var rsa = first.GetRSAPublicKey()!;
        Assert.True(rsa.KeySize >= 2048);
    }

    [Fact]
    public async Task Redirect_request_gets_a_signed_response_with_exactly_the_release_list()
    {
        await using var host = await Host();
        host.Session.Current = TestSubjects.Anna;
        var xml = AuthnRequest(host, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs");

        var (response, relay, action) = await ReadPostAsync(host, await host.Client().GetAsync(RedirectUrl(xml, "state-1 &<x>")));

        Assert.Equal("https://schoolsoft.test/acs", action);
        Assert.Equal("state-1 &<x>", relay);
        Assert.Equal(SamlNames.StatusSuccess, StatusCode(response));
        Assert.Equal("_req1", response.DocumentElement!.GetAttribute("InResponseTo"));
        Assert.Equal(SamlTestHost.SchoolsoftEntityId, Text(response, "Audience"));
        Assert.Equal(SamlNames.Loa2, Text(response, "AuthnContextClassRef"));
        var attributes = Attributes(response);
        Assert.Equal(3, attributes.Count);
        Assert.Equal(["anna.larare@skola.example.se"], attributes["urn:oid:1.3.6.1.4.1.5923.1.1.1.6"]);
        Assert.Equal(["41526371"], attributes["urn:oid:1.2.752.194.10.2.4"]);
        Assert.Equal(["Anna"], attributes["urn:oid:2.5.4.42"]);
        Assert.DoesNotContain("198001012384", response.OuterXml, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSubjects.Anna.Subject, response.OuterXml, StringComparison.Ordinal);
        // The release is reported for the person's own page (Mina uppgifter): the same three, by name.
        var release = Assert.Single(host.Session.Releases);
        Assert.Equal(["eppn", "given_name", "school_units"], release.Attributes.Order());
    }

    [Fact]
    public async Task Persistent_NameID_is_pairwise_stable_and_not_the_subject()
    {
        var feed = SamlTestHost.DefaultFeed();
        feed = feed with
        {
            Systems = [.. feed.Systems, SamlTestHost.SamlSystem("m365", "https://m365.test/sp", "https://m365.test/acs", [])],
        };
        await using var host = await Host(feed);
        host.Session.Current = TestSubjects.Anna;
        async Task<string> NameIdFor(string sp, string acs, string requestId)
        {
            var (response, _, _) = await ReadPostAsync(host, await host.Client().GetAsync(RedirectUrl(AuthnRequest(host, sp, acs, id: requestId))));
            return Text(response, "NameID");
        }

        var first = await NameIdFor(SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs", "_a1");
        var again = await NameIdFor(SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs", "_a2");
        var other = await NameIdFor("https://m365.test/sp", "https://m365.test/acs", "_a3");

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.DoesNotContain("anna", first, StringComparison.OrdinalIgnoreCase);
        Assert.True(first.Length >= 40);
    }

    [Fact]
    public async Task Signed_redirect_request_is_verified_against_the_registered_certificate()
    {
        await using var host = await Host();
        host.Session.Current = TestSubjects.Anna;
        var xml = AuthnRequest(host, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs");

        var good = await host.Client().GetAsync(RedirectUrl(xml, "rs", TestKeys.DownstreamSp));
        var forged = await host.Client().GetAsync(RedirectUrl(xml, "rs", TestKeys.Attacker));

        await ReadPostAsync(host, good);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains(SamlReason.RequestSignatureInvalid, await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsigned_request_is_refused_when_signed_requests_are_required()
    {
        await using var host = await Host(settings: new() { ["Saml:RequireSignedAuthnRequests"] = "true" });
        var response = await host.Client().GetAsync(RedirectUrl(AuthnRequest(host, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(SamlReason.RequestSignatureRequired, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://unknown.test/sp", "https://unknown.test/acs", SamlReason.UnknownServiceProvider)]
    [InlineData(SamlTestHost.SchoolsoftEntityId, "https://evil.example/acs", SamlReason.AcsUrlNotRegistered)]
    public async Task Request_from_an_unregistered_SP_or_to_an_unregistered_ACS_is_refused_without_posting_anywhere(string issuer, string acs, string reason)
    {
        await using var host = await Host();
        host.Session.Current = TestSubjects.Anna;
        var response = await host.Client().GetAsync(RedirectUrl(AuthnRequest(host, issuer, acs)));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, body, StringComparison.Ordinal);
        Assert.DoesNotContain("SAMLResponse", body, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedRequests => new()
    {
        { "issued an hour ago", SamlReason.RequestExpired },
        { "issued ten minutes from now", SamlReason.RequestExpired },
        { "IssueInstant without a zone", SamlReason.RequestExpired },
        { "a LogoutRequest", SamlReason.NotAnAuthnRequest },
        { "SAML version 1.1", SamlReason.NotAnAuthnRequest },
        { "no ID", SamlReason.NotAnAuthnRequest },
        { "CDATA makes the Issuer another SP's", SamlReason.UnknownServiceProvider },
        { "processing instruction in the Issuer", SamlReason.ValueNotText },
    };

    /// <summary>Each IdP-side refusal reason, by a request that breaks only that rule.</summary>
    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task Request_breaking_one_rule_is_refused_with_its_reason(string breakage, string reason)
    {
        await using var host = await Host();
        host.Session.Current = TestSubjects.Anna;
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(AuthnRequest(host, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs"));
        var root = document.DocumentElement!;
        var issuer = (XmlElement)root.GetElementsByTagName("Issuer", SamlNames.Assertion)[0]!;
        var xml = breakage switch
        {
            "issued an hour ago" => Set(root, "IssueInstant", SamlMessageWriter.Time(DateTimeOffset.UtcNow.AddHours(-1))),
            "issued ten minutes from now" => Set(root, "IssueInstant", SamlMessageWriter.Time(DateTimeOffset.UtcNow.AddMinutes(10))),
            "IssueInstant without a zone" => Set(root, "IssueInstant", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)),
            "a LogoutRequest" => root.OuterXml.Replace("samlp:AuthnRequest", "samlp:LogoutRequest", StringComparison.Ordinal),
            "SAML version 1.1" => Set(root, "Version", "1.1"),
            "no ID" => Remove(root, "ID"),
            "CDATA makes the Issuer another SP's" => Inner(issuer, SamlTestHost.SchoolsoftEntityId + "<![CDATA[/other]]>"),
            "processing instruction in the Issuer" => Inner(issuer, SamlTestHost.SchoolsoftEntityId + "<?x?>"),
            _ => throw new ArgumentOutOfRangeException(nameof(breakage)),
        };

        var response = await host.Client().GetAsync(RedirectUrl(xml));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"reason\":\"{reason}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        string Set(XmlElement element, string name, string value)
        {
            element.SetAttribute(name, value);
            return element.OwnerDocument.OuterXml;
        }
        string Remove(XmlElement element, string name)
        {
            element.RemoveAttribute(name);
            return element.OwnerDocument.OuterXml;
        }
        string Inner(XmlElement element, string innerXml)
        {
            element.InnerXml = innerXml;
            return element.OwnerDocument.OuterXml;
        }
    }

    /// <summary>A key too weak to trust is named as such when a message is signed with it, not only when metadata is loaded.</summary>
    [Fact]
    public async Task Request_signed_with_an_SPs_registered_but_weak_key_is_refused_weak_key_in_both_bindings()
    {
        var feed = SamlTestHost.DefaultFeed();
        feed = feed with
        {
            Systems = [.. feed.Systems, SamlTestHost.SamlSystem("legacy", "https://legacy.test/sp", "https://legacy.test/acs", [],
                certificate: Convert.ToBase64String(TestKeys.Weak.RawData))],
        };
        await using var host = await Host(feed);
        host.Session.Current = TestSubjects.Anna;
        var xml = AuthnRequest(host, "https://legacy.test/sp", "https://legacy.test/acs");
        var signed = new XmlDocument { PreserveWhitespace = true };
        signed.LoadXml(xml);
        EnvelopedSignature.Sign(signed.DocumentElement!, TestKeys.Weak);

        var redirect = await host.Client().GetAsync(RedirectUrl(xml, "rs", TestKeys.Weak));
        var post = await host.Client().PostAsync(SamlEndpoints.SsoPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["SAMLRequest"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(signed.OuterXml)),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, redirect.StatusCode);
        Assert.Contains($"\"reason\":\"{SamlReason.WeakKey}\"", await redirect.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains($"\"reason\":\"{SamlReason.WeakKey}\"", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_binding_request_is_answered()
    {
        await using var host = await Host();
        host.Session.Current = TestSubjects.Anna;
        var xml = AuthnRequest(host, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs");
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["SAMLRequest"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(xml)),
            ["RelayState"] = "post-state",
        });

        var (response, relay, _) = await ReadPostAsync(host, await host.Client().PostAsync(SamlEndpoints.SsoPath, form));

        Assert.Equal(SamlNames.StatusSuccess, StatusCode(response));
        Assert.Equal("post-state", relay);
    }

    [Fact]
    public async Task IsPassive_without_a_session_answers_NoPassive()
    {
        await using var host = await Host();
        var (response, _, _) = await ReadPostAsync(host, await host.Client().GetAsync(
            RedirectUrl(AuthnRequest(host, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs", isPassive: true))));

        Assert.Equal(SamlNames.StatusNoPassive, StatusCode(response));
        Assert.Empty(response.GetElementsByTagName("Assertion", SamlNames.Assertion));
        Assert.Empty(host.Session.Challenges);
    }

    [Fact]
    public async Task ForceAuthn_sends_a_signed_in_user_to_sign_in_again()
    {
        await using var host = await Host();
        host.Session.Current = TestSubjects.Anna;
        var client = host.Client();
        var first = await client.GetAsync(RedirectUrl(AuthnRequest(host, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs", forceAuthn: true)));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.True(Assert.Single(host.Session.Challenges).ForceAuthn);

        var login = await client.GetAsync(first.Headers.Location);
        var (response, _, _) = await ReadPostAsync(host, await client.GetAsync(login.Headers.Location));

        var authnInstant = DateTimeOffset.Parse(((XmlElement)response.GetElementsByTagName("AuthnStatement", SamlNames.Assertion)[0]!).GetAttribute("AuthnInstant"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(authnInstant > TestSubjects.Anna.AuthenticatedAt.AddMinutes(5));
    }

    [Fact]
    public async Task SP_that_needs_loa3_steps_a_loa2_user_up()
    {
        var feed = new FederationFeed(1, DateTimeOffset.UtcNow,
        [
            SamlTestHost.SamlSystem("procapita", "https://procapita.test/sp", "https://procapita.test/acs", ["eppn"], access: new FeedAccessPolicy([], [], [], "loa3")),
        ]);
        await using var host = await Host(feed);
        host.Session.Current = TestSubjects.Anna;
        var client = host.Client();
        var first = await client.GetAsync(RedirectUrl(AuthnRequest(host, "https://procapita.test/sp", "https://procapita.test/acs")));
        Assert.Equal("loa3", Assert.Single(host.Session.Challenges).MinimumAssuranceLevel);

        var login = await client.GetAsync(first.Headers.Location);
        var (response, _, _) = await ReadPostAsync(host, await client.GetAsync(login.Headers.Location));

        Assert.Equal(SamlNames.Loa3, Text(response, "AuthnContextClassRef"));
    }

    [Fact]
    public async Task Access_policy_refusal_answers_RequestDenied()
    {
        var feed = new FederationFeed(1, DateTimeOffset.UtcNow,
        [
            SamlTestHost.SamlSystem("rektorsportal", "https://rektor.test/sp", "https://rektor.test/acs", ["eppn"], access: new FeedAccessPolicy(["rektor"], [], [], "loa2")),
        ]);
        await using var host = await Host(feed);
        host.Session.Current = TestSubjects.Anna;
        var (response, _, _) = await ReadPostAsync(host, await host.Client().GetAsync(RedirectUrl(AuthnRequest(host, "https://rektor.test/sp", "https://rektor.test/acs"))));

        Assert.Equal(SamlNames.StatusRequestDenied, StatusCode(response));
        Assert.Empty(response.GetElementsByTagName("Assertion", SamlNames.Assertion));
    }

    [Fact]
    public async Task Email_NameID_for_the_SP_allowed_it_and_NameID_policy_mismatch_refused()
    {
        await using var host = await Host();
        host.Session.Current = TestSubjects.Anna;
        var (email, _, _) = await ReadPostAsync(host, await host.Client().GetAsync(
            RedirectUrl(AuthnRequest(host, SamlTestHost.GoogleEntityId, "https://google.test/acs", nameIdFormat: SamlNames.NameIdEmail))));
        var (refused, _, _) = await ReadPostAsync(host, await host.Client().GetAsync(
            RedirectUrl(AuthnRequest(host, SamlTestHost.GoogleEntityId, "https://google.test/acs", nameIdFormat: SamlNames.NameIdPersistent, id: "_r2"))));

        Assert.Equal("anna.larare@skola.example.se", Text(email, "NameID"));
        Assert.Equal(SamlNames.StatusInvalidNameIdPolicy, StatusCode(refused));
    }

    [Fact]
    public async Task Eppn_is_released_only_from_the_stored_eppn()
    {
        await using var host = await Host();
        var claims = TestSubjects.Anna.Claims.Where(c => c.Key != "eppn").ToDictionary(c => c.Key, c => c.Value);
        host.Session.Current = TestSubjects.Anna with { Claims = claims };

        var (response, _, _) = await ReadPostAsync(host, await host.Client().GetAsync(
            RedirectUrl(AuthnRequest(host, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs"))));

        Assert.False(Attributes(response).ContainsKey("urn:oid:1.3.6.1.4.1.5923.1.1.1.6"));
        Assert.True(Attributes(response).ContainsKey("urn:oid:2.5.4.42"));
    }

    [Fact]
    public async Task Post_page_escapes_values_and_allows_only_its_own_script()
    {
        await using var host = await Host();
        host.Session.Current = TestSubjects.Anna;
        var page = await host.Client().GetAsync(RedirectUrl(AuthnRequest(host, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs"), "\"><script>alert(1)</script>"));
        var html = await page.Content.ReadAsStringAsync();

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("script-src 'nonce-", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("form-action https://schoolsoft.test", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
