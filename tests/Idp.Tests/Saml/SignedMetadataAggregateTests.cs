using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Federation.Core.Feed;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Metadata;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Idp.Tests.Saml;

/// <summary>SPs from a federation's signed aggregate are trusted only after its signature and validUntil.</summary>
public sealed class SignedMetadataAggregateTests(SamlDatabaseFixture database) : IClassFixture<SamlDatabaseFixture>
{
    private static readonly Lazy<X509Certificate2> Operator = new(() => TestKeys.Create("CN=Skolfederation test operator", 2048));
    private const string AggregateSp = "https://aggregate-sp.test/sp";

    internal static string Aggregate(DateTimeOffset validUntil, X509Certificate2? signer = null, Action<XmlDocument>? afterSigning = null, bool withValidUntil = true,
        Action<XmlDocument>? beforeSigning = null)
    {
        var xml = $"""
            <md:EntitiesDescriptor xmlns:md="{SamlNames.Metadata}" ID="_skolfederation" Name="https://skolfederation.test"{(withValidUntil ? $" validUntil=\"{SamlMessageWriter.Time(validUntil)}\"" : "")}>
              <md:EntityDescriptor entityID="{AggregateSp}">
                <md:SPSSODescriptor protocolSupportEnumeration="{SamlNames.Protocol}">
                  <md:NameIDFormat>{SamlNames.NameIdTransient}</md:NameIDFormat>
                  <md:AssertionConsumerService Binding="{SamlNames.BindingPost}" Location="https://aggregate-sp.test/acs" index="0"/>
                </md:SPSSODescriptor>
              </md:EntityDescriptor>
            </md:EntitiesDescriptor>
            """;
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        beforeSigning?.Invoke(document);
        EnvelopedSignature.Sign(document.DocumentElement!, signer ?? Operator.Value);
        afterSigning?.Invoke(document);
        return document.OuterXml;
    }

    private static void Tamper(XmlDocument document) =>
        ((XmlElement)document.GetElementsByTagName("AssertionConsumerService", SamlNames.Metadata)[0]!).SetAttribute("Location", "https://evil.example/acs");

    [Fact]
    public void Verified_aggregate_yields_its_SPs()
    {
        var aggregate = MetadataAggregateReader.Read(Aggregate(DateTimeOffset.UtcNow.AddDays(7)), Operator.Value, DateTimeOffset.UtcNow);
        var sp = aggregate.ServiceProviders[AggregateSp];
        Assert.Equal(["https://aggregate-sp.test/acs"], sp.AcsUrls);
        Assert.Equal([SamlNames.NameIdTransient], sp.NameIdFormats);
    }

    private static XmlElement NameIdFormat(XmlDocument document) => (XmlElement)document.GetElementsByTagName("NameIDFormat", SamlNames.Metadata)[0]!;

    /// <summary>Signed text split into text and CDATA (the signature still verifies) is read whole.</summary>
    [Fact]
    public void A_signed_value_split_by_CDATA_is_read_whole()
    {
        var xml = Aggregate(DateTimeOffset.UtcNow.AddDays(7), afterSigning: d =>
            NameIdFormat(d).InnerXml = SamlNames.NameIdTransient[..20] + "<![CDATA[" + SamlNames.NameIdTransient[20..] + "]]>");

        var aggregate = MetadataAggregateReader.Read(xml, Operator.Value, DateTimeOffset.UtcNow);

        Assert.Equal([SamlNames.NameIdTransient], aggregate.ServiceProviders[AggregateSp].NameIdFormats);
    }

    [Fact]
    public void A_comment_added_to_a_signed_value_refuses_the_aggregate()
    {
        var xml = Aggregate(DateTimeOffset.UtcNow.AddDays(7), afterSigning: d => NameIdFormat(d).InnerXml = SamlNames.NameIdTransient + "<!-- -->");
        var error = Assert.Throws<SamlRefusedException>(() => MetadataAggregateReader.Read(xml, Operator.Value, DateTimeOffset.UtcNow));
        Assert.Equal(SamlReason.CommentInValue, error.Reason);
    }

    [Fact]
    public void Markup_in_a_value_refuses_the_aggregate_even_when_signed()
    {
        var xml = Aggregate(DateTimeOffset.UtcNow.AddDays(7), beforeSigning: d => NameIdFormat(d).InnerXml = SamlNames.NameIdTransient + "<?pi?>");
        var error = Assert.Throws<SamlRefusedException>(() => MetadataAggregateReader.Read(xml, Operator.Value, DateTimeOffset.UtcNow));
        Assert.Equal(SamlReason.ValueNotText, error.Reason);
    }

    [Fact]
    public void Tampered_aggregate_is_refused()
    {
        var error = Assert.Throws<SamlRefusedException>(() =>
            MetadataAggregateReader.Read(Aggregate(DateTimeOffset.UtcNow.AddDays(7), afterSigning: Tamper), Operator.Value, DateTimeOffset.UtcNow));
        Assert.Equal(SamlReason.SignatureInvalid, error.Reason);
    }

    [Fact]
    public void Aggregate_signed_by_another_key_is_refused()
    {
        var error = Assert.Throws<SamlRefusedException>(() =>
            MetadataAggregateReader.Read(Aggregate(DateTimeOffset.UtcNow.AddDays(7), TestKeys.Attacker), Operator.Value, DateTimeOffset.UtcNow));
        Assert.Equal(SamlReason.SignatureInvalid, error.Reason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Expired_or_undated_aggregate_is_refused(bool withValidUntil)
    {
        var error = Assert.Throws<SamlRefusedException>(() =>
            MetadataAggregateReader.Read(Aggregate(DateTimeOffset.UtcNow.AddHours(-1), withValidUntil: withValidUntil), Operator.Value, DateTimeOffset.UtcNow));
        Assert.Equal(SamlReason.Expired, error.Reason);
    }

    [Fact]
    public void Source_stops_trusting_the_aggregate_when_validUntil_passes()
    {
        var directory = Directory.CreateTempSubdirectory("saml-aggregate-").FullName;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        File.WriteAllText(Path.Combine(directory, "aggregate.xml"), Aggregate(time.GetUtcNow().AddHours(1)));
        File.WriteAllText(Path.Combine(directory, "operator.pem"), TestKeys.Pem(Operator.Value));
        var options = Options.Create(new SamlOptions
        {
            Aggregate = new MetadataAggregateOptions { Path = Path.Combine(directory, "aggregate.xml"), PinnedCertificatePath = Path.Combine(directory, "operator.pem") },
        });
        var source = new MetadataAggregateSource(options, time, NullLogger<MetadataAggregateSource>.Instance);

        Assert.True(source.ServiceProviders.ContainsKey(AggregateSp));
        time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(source.ServiceProviders);
    }

    private async Task<SamlTestHost> HostWithAggregate(string aggregateXml)
    {
        var directory = Directory.CreateTempSubdirectory("saml-aggregate-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "aggregate.xml"), aggregateXml);
        await File.WriteAllTextAsync(Path.Combine(directory, "operator.pem"), TestKeys.Pem(Operator.Value));
        return await SamlTestHost.StartAsync(database.Directory, database.ConnectionString, new FederationFeed(1, DateTimeOffset.UtcNow, []), new()
        {
            ["Saml:Aggregate:Path"] = Path.Combine(directory, "aggregate.xml"),
            ["Saml:Aggregate:PinnedCertificatePath"] = Path.Combine(directory, "operator.pem"),
            ["Saml:Aggregate:DefaultRelease:0"] = "school_units",
        });
    }

    private static string Redirect(SamlTestHost host) => SamlEndpoints.SsoPath + "?" + RedirectBinding.BuildQuery("SAMLRequest",
        SamlIdentityProviderTests.AuthnRequest(host, AggregateSp, "https://aggregate-sp.test/acs"), null, null);

    [Fact]
    public async Task SP_from_a_verified_aggregate_signs_in_with_the_default_release()
    {
        await using var host = await HostWithAggregate(Aggregate(DateTimeOffset.UtcNow.AddDays(7)));
        host.Session.Current = TestSubjects.Anna;

        var (response, _, action) = await SamlIdentityProviderTests.ReadPostAsync(host, await host.Client().GetAsync(Redirect(host)));

        Assert.Equal("https://aggregate-sp.test/acs", action);
        var attributes = response.GetElementsByTagName("Attribute", SamlNames.Assertion).Cast<XmlElement>().Select(a => a.GetAttribute("Name")).ToList();
        Assert.Equal(["urn:oid:1.2.752.194.10.2.4"], attributes);
    }

    [Fact]
    public async Task SP_from_a_tampered_aggregate_is_unknown()
    {
        await using var host = await HostWithAggregate(Aggregate(DateTimeOffset.UtcNow.AddDays(7), afterSigning: Tamper));
        host.Session.Current = TestSubjects.Anna;
        var response = await host.Client().GetAsync(Redirect(host));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(SamlReason.UnknownServiceProvider, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SP_from_an_expired_aggregate_is_unknown()
    {
        await using var host = await HostWithAggregate(Aggregate(DateTimeOffset.UtcNow.AddMinutes(-1)));
        host.Session.Current = TestSubjects.Anna;
        var response = await host.Client().GetAsync(Redirect(host));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(SamlReason.UnknownServiceProvider, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
