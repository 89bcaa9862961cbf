using System.Security.Cryptography.X509Certificates;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Sp;

namespace Federation.Idp.Tests.Saml;

/// <summary>Responses a correct upstream IdP sends are accepted, and what they say is read in full.</summary>
public sealed class SamlResponseValidatorTests(SamlDatabaseFixture database) : IClassFixture<SamlDatabaseFixture>
{
    private Task<SamlSpHarness> Harness() => SamlSpHarness.CreateAsync(database.Directory, database.ConnectionString);

    private static void AssertAnna(SamlValidationResult result)
    {
        Assert.True(result.Succeeded, $"{result.Check}: {result.Reason}");
        var identity = result.Identity!;
        Assert.Equal("anna.larare@skola.example.se", identity.NameId);
        Assert.Equal(SamlNames.NameIdPersistent, identity.NameIdFormat);
        Assert.Equal("upstream", identity.Upstream);
        Assert.Equal(SamlSpHarness.UpstreamEntityId, identity.Issuer);
        Assert.Equal(SamlNames.Loa3, identity.AuthnContextClassRef);
        Assert.Equal("/after", identity.ReturnUrl);
        Assert.Equal(["41526371"], identity.Attributes["urn:oid:1.2.752.194.10.2.4"]);
        Assert.Equal(["anna.larare@skola.example.se"], identity.Attributes["urn:oid:1.3.6.1.4.1.5923.1.1.1.6"]);
    }

    [Fact]
    public async Task Signed_assertion_is_accepted()
    {
        await using var h = await Harness();
        var id = await h.NewRequestAsync();
        AssertAnna(await h.ValidateAsync(SamlSpHarness.Encode(Forge.Response(h.Content(id)))));
    }

    [Fact]
    public async Task Signed_response_with_unsigned_assertion_is_accepted()
    {
        await using var h = await Harness();
        var id = await h.NewRequestAsync();
        AssertAnna(await h.ValidateAsync(SamlSpHarness.Encode(Forge.Response(h.Content(id), signAssertion: false, signResponse: true))));
    }

    [Fact]
    public async Task Signed_response_and_signed_assertion_are_accepted()
    {
        await using var h = await Harness();
        var id = await h.NewRequestAsync();
        AssertAnna(await h.ValidateAsync(SamlSpHarness.Encode(Forge.Response(h.Content(id), signAssertion: true, signResponse: true))));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Encrypted_signed_assertion_is_decrypted_and_accepted(bool gcm)
    {
        await using var h = await Harness();
        var id = await h.NewRequestAsync();
        var document = Forge.Response(h.Content(id));
        using var key = (await h.EncryptionCertificateAsync()).GetRSAPublicKey()!;
        AssertionDecryptor.Encrypt(Forge.Assertion(document), key, gcm);
        Assert.DoesNotContain("anna.larare", document.OuterXml, StringComparison.Ordinal);

        AssertAnna(await h.ValidateAsync(SamlSpHarness.Encode(document)));
    }

    [Fact]
    public async Task Encrypted_assertion_inside_a_signed_response_is_accepted()
    {
        await using var h = await Harness();
        var id = await h.NewRequestAsync();
        using var key = (await h.EncryptionCertificateAsync()).GetRSAPublicKey()!;
        var document = Forge.Response(h.Content(id), signAssertion: false, beforeSigning: d => AssertionDecryptor.Encrypt(Forge.Assertion(d), key, gcm: true));
        EnvelopedSignature.Sign(document.DocumentElement!, TestKeys.Upstream);

        AssertAnna(await h.ValidateAsync(SamlSpHarness.Encode(document)));
    }

    [Fact]
    public async Task Clock_skew_within_limit_is_tolerated()
    {
        await using var h = await Harness();
        var id = await h.NewRequestAsync();
        var document = Forge.Response(h.Content(id) with { IssueInstant = h.Time.GetUtcNow().AddMinutes(2) });
        AssertAnna(await h.ValidateAsync(SamlSpHarness.Encode(document)));
    }

    [Fact]
    public async Task A_replica_sharing_the_database_refuses_the_replay()
    {
        await using var first = await Harness();
        await using var second = await Harness();
        var id = await first.NewRequestAsync();
        var encoded = SamlSpHarness.Encode(Forge.Response(first.Content(id)));

        Assert.True((await first.ValidateAsync(encoded)).Succeeded);
        var replay = await second.ValidateAsync(encoded);

        Assert.Equal(SamlReason.Replay, replay.Reason);
    }

    [Fact]
    public async Task Metadata_with_a_1024_bit_key_is_refused_on_start()
    {
        var metadata = Federation.Idp.Saml.Idp.SamlMetadataWriter.Idp("https://weak.example/idp", new Uri("https://weak.example/sso"), TestKeys.Weak);
        var error = Assert.Throws<InvalidOperationException>(() => UpstreamIdp.FromMetadata(metadata, new UpstreamIdpOptions { Name = "weak" }));
        Assert.Contains("2048", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Comparison_of_a_NameID_with_a_comment_reads_all_text()
    {
        var document = new System.Xml.XmlDocument { PreserveWhitespace = true };
        document.LoadXml("<NameID>admin@school.se<!---->.evil.example</NameID>");
        Assert.Equal("admin@school.se.evil.example", document.DocumentElement!.FullText());
    }

    [Fact]
    public async Task AuthnRequest_sent_upstream_is_signed_and_deflated()
    {
        await using var h = await Harness();
        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(h.Services);
        var sender = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<SamlAuthnRequestSender>(scope.ServiceProvider);
        var (url, id) = await sender.CreateAsync("strict", "/x");

        Assert.StartsWith("https://upstream.test/sso?SAMLRequest=", url.AbsoluteUri, StringComparison.Ordinal);
        var signing = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Federation.Idp.Saml.Storage.SamlKeyStore>(h.Services).GetSigningCertificateAsync();
        Assert.Null(RedirectBinding.VerifyQuerySignature(url.Query, "SAMLRequest", [signing]));
        Assert.Equal(SamlReason.RequestSignatureInvalid, RedirectBinding.VerifyQuerySignature(url.Query, "SAMLRequest", [TestKeys.Upstream]));
        var xml = RedirectBinding.Inflate(RedirectBinding.QueryValue(url.Query, "SAMLRequest")!.Replace(' ', '+'), 100_000);
        Assert.Contains($"ID=\"{id}\"", xml, StringComparison.Ordinal);
        Assert.Contains("ForceAuthn=\"true\"", xml, StringComparison.Ordinal);
        Assert.Contains(SamlNames.Loa3, xml, StringComparison.Ordinal);
    }
}
