using System.Security.Cryptography.X509Certificates;
using System.Xml;
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

    [Fact]
    public async Task Encrypted_signed_assertion_with_AES_GCM_is_decrypted_and_accepted()
    {
        await using var h = await Harness();
        var id = await h.NewRequestAsync();
        var document = Forge.Response(h.Content(id));
        using var key = (await h.EncryptionCertificateAsync()).GetRSAPublicKey()!;
        AssertionDecryptor.Encrypt(Forge.Assertion(document), key, gcm: true);
        Assert.DoesNotContain("anna.larare", document.OuterXml, StringComparison.Ordinal);

        AssertAnna(await h.ValidateAsync(SamlSpHarness.Encode(document)));
    }

    [Fact]
    public async Task AES_CBC_encrypted_assertion_inside_a_signed_response_is_accepted()
    {
        await using var h = await Harness();
        var id = await h.NewRequestAsync();
        using var key = (await h.EncryptionCertificateAsync()).GetRSAPublicKey()!;
        var document = Forge.Response(h.Content(id));
        AssertionDecryptor.Encrypt(Forge.Assertion(document), key, gcm: false);
        EnvelopedSignature.Sign(document.DocumentElement!, TestKeys.Upstream);

        AssertAnna(await h.ValidateAsync(SamlSpHarness.Encode(document)));
    }

    /// <summary>
    /// Whatever goes wrong once decryption has begun (wrong key, bad padding, not UTF-8, not XML,
    /// not an Assertion, a GCM tag that does not match) the answer is the same: no oracle in the
    /// reason, nor in the <c>federation.idp.sign_ins</c> outcome tag that /metrics shows.
    /// </summary>
    [Fact]
    public async Task Every_decryption_failure_has_the_same_reason_and_metric_tag()
    {
        const string upstream = "oracle-probe";
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Federation.Idp.Telemetry.IdpTelemetry.Name && instrument.Name == "federation.idp.sign_ins")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var byName = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            if (byName.GetValueOrDefault("upstream") == upstream)
            {
                outcomes.Add(byName.GetValueOrDefault("outcome") ?? "");
            }
        });
        listener.Start();

        await using var h = await SamlSpHarness.CreateAsync(database.Directory, database.ConnectionString, upstreamName: upstream);
        using var ours = (await h.EncryptionCertificateAsync()).GetRSAPublicKey()!;
        using var theirs = TestKeys.Attacker.GetRSAPublicKey()!;
        var variants = new (string Name, System.Security.Cryptography.RSA Key, bool Gcm, byte[]? Plaintext, Action<XmlElement>? Tamper)[]
        {
            ("CBC for another key", theirs, false, null, null),
            ("CBC not UTF-8", ours, false, [0xff, 0xfe, 0xfd, 0x80], null),
            ("CBC not XML", ours, false, System.Text.Encoding.UTF8.GetBytes("<saml:Assertion unclosed"), null),
            ("CBC not an Assertion", ours, false, System.Text.Encoding.UTF8.GetBytes("<x xmlns=\"urn:x\"/>"), null),
            ("CBC last block altered (padding)", ours, false, null, e => FlipLastCipherByte(e)),
            ("GCM tag altered", ours, true, null, e => FlipLastCipherByte(e)),
            ("GCM not XML", ours, true, System.Text.Encoding.UTF8.GetBytes("not xml at all"), null),
        };
        foreach (var variant in variants)
        {
            var id = await h.NewRequestAsync(upstream);
            var document = Forge.Response(h.Content(id));
            var encrypted = AssertionDecryptor.Encrypt(Forge.Assertion(document), variant.Key, variant.Gcm, variant.Plaintext);
            variant.Tamper?.Invoke(encrypted);
            // CBC is only decrypted in a signed Response: sign it, so decryption is really attempted.
            EnvelopedSignature.Sign(document.DocumentElement!, TestKeys.Upstream);

            var result = await h.ValidateAsync(SamlSpHarness.Encode(document));

            Assert.False(result.Succeeded, variant.Name);
            Assert.True(result.Reason == SamlReason.DecryptionFailed, $"{variant.Name}: {result.Reason}");
        }
        Assert.Equal(variants.Length, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(SamlReason.DecryptionFailed, o));
    }

    private static void FlipLastCipherByte(XmlElement encryptedAssertion)
    {
        var value = encryptedAssertion.SelectNodes(".//*[local-name()='CipherValue']")!.Cast<XmlElement>().Last();
        var bytes = Convert.FromBase64String(value.InnerText);
        bytes[^1] ^= 0x5a;
        value.InnerText = Convert.ToBase64String(bytes);
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
        var replay = await second.ValidateAsync(encoded, first.BindingOf);

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
    public void Upstream_metadata_gives_its_literal_scopes_and_not_its_patterns()
    {
        var metadata = Federation.Idp.Tests.Bridging.BridgingHosts.WithScope(
            Federation.Idp.Saml.Idp.SamlMetadataWriter.Idp("https://school.example/idp", new Uri("https://school.example/sso"), TestKeys.Upstream), "Skola.Example.SE");
        metadata = metadata.Replace("</md:Extensions>",
            $"<shibmd:Scope xmlns:shibmd=\"{SamlNames.ShibMetadata}\" regexp=\"true\">^.*$</shibmd:Scope></md:Extensions>", StringComparison.Ordinal);

        var upstream = UpstreamIdp.FromMetadata(metadata, new UpstreamIdpOptions { Name = "school" });

        Assert.Equal(["skola.example.se"], upstream.Scopes);
    }

    [Theory]
    [InlineData("<!-- -->", SamlReason.CommentInValue)]
    [InlineData("<?pi?>", SamlReason.ValueNotText)]
    public void Upstream_metadata_with_markup_inside_a_certificate_is_refused(string markup, string reason)
    {
        var metadata = Federation.Idp.Saml.Idp.SamlMetadataWriter.Idp("https://school.example/idp", new Uri("https://school.example/sso"), TestKeys.Upstream);
        var base64 = Convert.ToBase64String(TestKeys.Upstream.RawData);
        metadata = metadata.Replace(base64, base64[..10] + markup + base64[10..], StringComparison.Ordinal);

        var error = Assert.Throws<SamlRefusedException>(() => UpstreamIdp.FromMetadata(metadata, new UpstreamIdpOptions { Name = "school" }));

        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData("<NameID>admin@school.se<![CDATA[.evil.example]]></NameID>", "admin@school.se.evil.example")]
    [InlineData("<NameID><![CDATA[admin]]>@school.se<![CDATA[.evil]]>.example</NameID>", "admin@school.se.evil.example")]
    [InlineData("<NameID>a&amp;b&#x40;school.se</NameID>", "a&b@school.se")]
    [InlineData("<NameID> <![CDATA[ admin ]]> </NameID>", "  admin  ")]
    public void A_value_is_every_text_and_CDATA_node_in_order(string xml, string expected)
    {
        var document = SecureXml.Load(xml, 10_000);
        Assert.Equal(expected, document.DocumentElement!.ReadValue());
    }

    [Theory]
    [InlineData("<NameID>admin@school.se<!---->.evil.example</NameID>", SamlReason.CommentInValue)]
    [InlineData("<NameID>admin@school.se<?pi x?>.evil.example</NameID>", SamlReason.ValueNotText)]
    [InlineData("<NameID>admin@school.se<b>.evil.example</b></NameID>", SamlReason.ValueNotText)]
    [InlineData("<NameID><b/></NameID>", SamlReason.ValueNotText)]
    public void A_value_with_anything_but_text_is_refused(string xml, string reason)
    {
        var document = SecureXml.Load(xml, 10_000);
        var error = Assert.Throws<SamlRefusedException>(() => document.DocumentElement!.ReadValue());
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public async Task AuthnRequest_sent_upstream_is_signed_and_deflated()
    {
        await using var h = await Harness();
        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(h.Services);
        var sender = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<SamlAuthnRequestSender>(scope.ServiceProvider);
        var (url, id, _) = await sender.CreateAsync("strict", "/x");

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
