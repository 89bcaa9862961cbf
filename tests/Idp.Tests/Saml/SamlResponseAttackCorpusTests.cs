using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Sp;

namespace Federation.Idp.Tests.Saml;

/// <summary>
/// The attack corpus: crafted responses, each refused by <see cref="SamlResponseValidator"/> with
/// its own reason code, and none yielding an identity. Keys: the test upstream IdP's and an
/// attacker's; database: real SQLite.
/// </summary>
public sealed class SamlResponseAttackCorpusTests(SamlDatabaseFixture database) : IClassFixture<SamlDatabaseFixture>
{
    private sealed record Attack(string ExpectedReason, Func<SamlSpHarness, string, Task<string>> Build);

    private static string Encode(XmlDocument document) => SamlSpHarness.Encode(document);

    private static Task<string> Done(XmlDocument document) => Task.FromResult(Encode(document));

    private static Task<string> Text(string xml) => Task.FromResult(Convert.ToBase64String(Encoding.UTF8.GetBytes(xml)));

    private static readonly Dictionary<string, Attack> Corpus = new()
    {
        // --- XML signature wrapping (Somorovsky et al. 2012), response signature ---
        ["XSW1 signed response copied under its own signature in an evil response"] = new(SamlReason.DuplicateId, (h, id) =>
        {
            var document = Forge.Response(h.Content(id), signAssertion: false, signResponse: true);
            var original = document.DocumentElement!;
            var evil = Forge.EvilCopy(original, newId: false, keepSignature: true);
            document.RemoveChild(original);
            document.AppendChild(evil);
            Forge.Signature(evil).AppendChild(original);
            return Done(document);
        }),
        ["XSW2 signed response placed before the signature of an evil response with new IDs"] = new(SamlReason.AssertionCount, (h, id) =>
        {
            var document = Forge.Response(h.Content(id), signAssertion: false, signResponse: true);
            var original = document.DocumentElement!;
            var evil = Forge.EvilCopy(original, newId: true, keepSignature: true);
            Forge.First(evil, "Assertion").SetAttribute("ID", SamlMessageWriter.NewId());
            document.RemoveChild(original);
            document.AppendChild(evil);
            evil.InsertBefore(original, Forge.Signature(evil));
            return Done(document);
        }),
        // --- assertion signature ---
        ["XSW3 evil assertion with the same ID before the signed one"] = new(SamlReason.DuplicateId, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            var original = Forge.Assertion(document);
            document.DocumentElement!.InsertBefore(Forge.EvilCopy(original, newId: false, keepSignature: false), original);
            return Done(document);
        }),
        ["XSW4 signed assertion nested inside an evil assertion"] = new(SamlReason.DuplicateId, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            var original = Forge.Assertion(document);
            var evil = Forge.EvilCopy(original, newId: false, keepSignature: false);
            document.DocumentElement!.ReplaceChild(evil, original);
            evil.AppendChild(original);
            return Done(document);
        }),
        ["XSW5 evil assertion keeps the signature, original appended at the end"] = new(SamlReason.AssertionCount, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            var original = Forge.Assertion(document);
            var evil = Forge.EvilCopy(original, newId: true, keepSignature: true);
            original.RemoveChild(Forge.Signature(original));
            document.DocumentElement!.ReplaceChild(evil, original);
            document.DocumentElement!.AppendChild(original);
            return Done(document);
        }),
        ["XSW6 original assertion inside the signature of an evil copy"] = new(SamlReason.AssertionCount, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            var original = Forge.Assertion(document);
            var evil = Forge.EvilCopy(original, newId: true, keepSignature: true);
            document.DocumentElement!.ReplaceChild(evil, original);
            original.RemoveChild(Forge.Signature(original));
            Forge.Signature(evil).AppendChild(original);
            return Done(document);
        }),
        ["XSW7 signed assertion hidden in Extensions, evil assertion beside it"] = new(SamlReason.AssertionCount, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            var original = Forge.Assertion(document);
            var evil = Forge.EvilCopy(original, newId: true, keepSignature: false);
            var extensions = document.CreateElement("samlp", "Extensions", SamlNames.Protocol);
            document.DocumentElement!.ReplaceChild(evil, original);
            extensions.AppendChild(original);
            document.DocumentElement!.InsertBefore(extensions, evil);
            return Done(document);
        }),
        ["XSW8 original assertion inside ds:Object of the evil assertion's signature"] = new(SamlReason.AssertionCount, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            var original = Forge.Assertion(document);
            var evil = Forge.EvilCopy(original, newId: true, keepSignature: true);
            document.DocumentElement!.ReplaceChild(evil, original);
            original.RemoveChild(Forge.Signature(original));
            var obj = document.CreateElement("ds", "Object", SamlNames.DSig);
            obj.AppendChild(original);
            Forge.Signature(evil).AppendChild(obj);
            return Done(document);
        }),
        ["signature moved onto an evil assertion with another ID"] = new(SamlReason.SignatureReferenceMismatch, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            var original = Forge.Assertion(document);
            document.DocumentElement!.ReplaceChild(Forge.EvilCopy(original, newId: true, keepSignature: true), original);
            return Done(document);
        }),
        ["signature placed inside the Subject"] = new(SamlReason.SignatureMisplaced, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            var assertion = Forge.Assertion(document);
            var signature = Forge.Signature(assertion);
            assertion.RemoveChild(signature);
            Forge.First(assertion, "Subject").AppendChild(signature);
            return Done(document);
        }),

        // --- comment injection (Duo Labs 2018): the signature stays valid ---
        ["comment injected into a signed NameID"] = new(SamlReason.CommentInValue, (h, id) =>
        {
            var document = Forge.Response(h.Content(id) with { NameId = "anna.larare@skola.example.se.evil.example" });
            var nameId = Forge.First(Forge.Assertion(document), "NameID");
            nameId.InnerXml = "anna.larare@skola.example.se<!---->.evil.example";
            // The point of the attack: exclusive c14n ignores the comment, the digest still matches.
            Assert.Null(EnvelopedSignature.Verify(Forge.Assertion(document), [TestKeys.Upstream]));
            return Done(document);
        }),
        ["comment injected into a signed attribute value"] = new(SamlReason.CommentInValue, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            var value = Forge.First(Forge.Assertion(document), "AttributeValue");
            value.InnerXml = "anna.larare@skola<!-- -->.example.se";
            return Done(document);
        }),

        // --- split values: what is read must be what was signed (c14n turns CDATA into text, keeps PIs) ---
        ["CDATA splits a signed Audience meant for another SP"] = new(SamlReason.AudienceMismatch, (h, id) =>
        {
            var document = Forge.Response(h.Content(id) with { Audience = SamlSpHarness.SpEntityId + ".evil.example" });
            Forge.First(Forge.Assertion(document), "Audience").InnerXml = SamlSpHarness.SpEntityId + "<![CDATA[.evil.example]]>";
            Assert.Null(EnvelopedSignature.Verify(Forge.Assertion(document), [TestKeys.Upstream]));
            return Done(document);
        }),
        ["CDATA splits the signed assertion Issuer"] = new(SamlReason.IssuerMismatch, (h, id) =>
        {
            var document = Forge.Response(h.Content(id), signAssertion: false, beforeSigning: d =>
                Forge.First(Forge.Assertion(d), "Issuer").InnerText = SamlSpHarness.UpstreamEntityId + "/other");
            var assertion = Forge.Assertion(document);
            EnvelopedSignature.Sign(assertion, TestKeys.Upstream);
            Forge.First(assertion, "Issuer").InnerXml = SamlSpHarness.UpstreamEntityId + "<![CDATA[/other]]>";
            Assert.Null(EnvelopedSignature.Verify(assertion, [TestKeys.Upstream]));
            return Done(document);
        }),
        ["CDATA splits a signed AuthnContextClassRef"] = new(SamlReason.AuthnContextNotMet, async (h, _) =>
        {
            var strictId = await h.NewRequestAsync("strict");
            var document = Forge.Response(h.Content(strictId) with { AuthnContextClassRef = SamlNames.Loa3 + "-unverified" });
            Forge.First(Forge.Assertion(document), "AuthnContextClassRef").InnerXml = SamlNames.Loa3 + "<![CDATA[-unverified]]>";
            return Encode(document);
        }),
        ["processing instruction inside a signed NameID"] = new(SamlReason.ValueNotText, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
                Forge.First(d, "NameID").InnerXml = "anna.larare@skola.example.se<?split here?>.evil.example"))),
        ["processing instruction inside a signed Audience"] = new(SamlReason.ValueNotText, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
                Forge.First(d, "Audience").InnerXml = SamlSpHarness.SpEntityId + "<?split?>"))),
        ["child element inside a signed attribute value"] = new(SamlReason.ValueNotText, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
                Forge.First(d, "AttributeValue").InnerXml = "anna.larare@skola<x:part xmlns:x=\"urn:x\">.evil</x:part>.example.se"))),
        ["xsi:type anyType attribute value carrying markup"] = new(SamlReason.ValueNotText, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
            {
                var value = Forge.First(d, "AttributeValue");
                value.SetAttribute("type", SamlNames.Xsi, "xs:anyType");
                value.InnerXml = "<saml:NameID xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">ulf.admin@skola.example.se</saml:NameID>";
            }))),
        ["child element inside a signed NameID"] = new(SamlReason.ValueNotText, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
                Forge.First(d, "NameID").InnerXml = "anna.larare@skola.example.se<b xmlns=\"urn:x\"/>"))),
        ["comment injected into the signed Issuer"] = new(SamlReason.CommentInValue, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            Forge.First(Forge.Assertion(document), "Issuer").InnerXml = SamlSpHarness.UpstreamEntityId + "<!-- x -->";
            return Done(document);
        }),
        ["two NameIDs in the Subject"] = new(SamlReason.NameIdMissing, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
            {
                var nameId = Forge.First(d, "NameID");
                var second = (XmlElement)nameId.CloneNode(true);
                second.InnerText = "ulf.admin@skola.example.se";
                nameId.ParentNode!.InsertAfter(second, nameId);
            }))),
        ["no NameID in the Subject"] = new(SamlReason.NameIdMissing, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
            {
                var nameId = Forge.First(d, "NameID");
                nameId.ParentNode!.RemoveChild(nameId);
            }))),
        ["an empty NameID (signed, so nobody in particular)"] = new(SamlReason.NameIdMissing, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d => Forge.First(d, "NameID").InnerText = ""))),
        ["no Conditions"] = new(SamlReason.ConditionsMissing, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
            {
                var conditions = Forge.First(d, "Conditions");
                conditions.ParentNode!.RemoveChild(conditions);
            }))),
        ["no AuthnStatement"] = new(SamlReason.AuthnStatementMissing, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
            {
                var statement = Forge.First(d, "AuthnStatement");
                statement.ParentNode!.RemoveChild(statement);
            }))),
        ["two AuthnStatements"] = new(SamlReason.AuthnStatementMissing, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
            {
                var statement = Forge.First(d, "AuthnStatement");
                statement.ParentNode!.InsertAfter(statement.CloneNode(true), statement);
            }))),

        // --- who signed ---
        ["unsigned response and assertion"] = new(SamlReason.NoSignature, (h, id) =>
            Done(Forge.Response(h.Content(id), signAssertion: false))),
        ["signed by another key"] = new(SamlReason.SignatureInvalid, (h, id) =>
            Done(Forge.Response(h.Content(id), key: TestKeys.Attacker, keyInfo: false))),
        ["signed by an attacker who puts his certificate in KeyInfo"] = new(SamlReason.SignatureInvalid, (h, id) =>
            Done(Forge.Response(h.Content(id), key: TestKeys.Attacker, keyInfo: true))),
        ["assertion signed, signed response altered afterwards"] = new(SamlReason.SignatureInvalid, (h, id) =>
        {
            var document = Forge.Response(h.Content(id), signAssertion: true, signResponse: true);
            document.DocumentElement!.SetAttribute("Consent", "urn:oasis:names:tc:SAML:2.0:consent:obtained");
            return Done(document);
        }),
        ["NameID changed after the assertion was signed"] = new(SamlReason.SignatureInvalid, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            Forge.SetNameId(Forge.Assertion(document), "ulf.admin@skola.example.se");
            return Done(document);
        }),
        ["two signed assertions"] = new(SamlReason.AssertionCount, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            var second = Forge.Assertion(Forge.Response(h.Content(id) with { NameId = "ulf.admin@skola.example.se" }));
            document.DocumentElement!.AppendChild(document.ImportNode(second, true));
            return Done(document);
        }),
        ["RSA-SHA1 and SHA-1 digest"] = new(SamlReason.WeakAlgorithm, (h, id) =>
            Done(Forge.Response(h.Content(id), signatureMethod: SamlNames.RsaSha1, digestMethod: SamlNames.Sha1))),
        ["exclusive c14n with comments as a transform"] = new(SamlReason.SignatureTransform, (h, id) =>
        {
            var document = Forge.Response(h.Content(id), signAssertion: false);
            SignWith(Forge.Assertion(document), r =>
            {
                r.AddTransform(new XmlDsigEnvelopedSignatureTransform());
                r.AddTransform(new XmlDsigExcC14NWithCommentsTransform());
            });
            return Done(document);
        }),
        ["signature with two references"] = new(SamlReason.SignatureReferenceCount, (h, id) =>
        {
            var document = Forge.Response(h.Content(id), signAssertion: false);
            var assertion = Forge.Assertion(document);
            SignWith(assertion, r =>
            {
                r.AddTransform(new XmlDsigEnvelopedSignatureTransform());
                r.AddTransform(new XmlDsigExcC14NTransform());
            }, extraReference: true);
            return Done(document);
        }),

        // --- protocol ---
        ["assertion expired"] = new(SamlReason.Expired, (h, id) =>
        {
            var document = Forge.Response(h.Content(id) with { Lifetime = TimeSpan.FromMinutes(2) });
            h.Time.Advance(TimeSpan.FromMinutes(6));
            return Done(document);
        }),
        ["assertion not yet valid"] = new(SamlReason.NotYetValid, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
                Forge.First(d, "Conditions").SetAttribute("NotBefore", SamlMessageWriter.Time(h.Time.GetUtcNow().AddMinutes(10)))))),
        ["issued too long ago"] = new(SamlReason.IssueInstantStale, (h, id) =>
        {
            var document = Forge.Response(h.Content(id) with { Lifetime = TimeSpan.FromMinutes(30) });
            h.Time.Advance(TimeSpan.FromMinutes(14));
            return Done(document);
        }),
        ["bearer confirmation expired"] = new(SamlReason.SubjectConfirmationExpired, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
                Forge.First(d, "SubjectConfirmationData").SetAttribute("NotOnOrAfter", SamlMessageWriter.Time(h.Time.GetUtcNow().AddMinutes(-4)))))),
        ["no bearer confirmation (holder-of-key)"] = new(SamlReason.SubjectConfirmationMissing, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
                Forge.First(d, "SubjectConfirmation").SetAttribute("Method", "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key")))),
        ["wrong audience"] = new(SamlReason.AudienceMismatch, (h, id) =>
            Done(Forge.Response(h.Content(id) with { Audience = "https://other-sp.example/sp" }))),
        ["wrong destination"] = new(SamlReason.DestinationMismatch, (h, id) =>
            Done(Forge.Response(h.Content(id), signResponse: true, beforeSigning: d =>
                d.DocumentElement!.SetAttribute("Destination", "https://evil.example/acs")))),
        ["wrong recipient"] = new(SamlReason.RecipientMismatch, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
                Forge.First(d, "SubjectConfirmationData").SetAttribute("Recipient", "https://evil.example/acs")))),
        ["wrong issuer in the assertion"] = new(SamlReason.IssuerMismatch, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d => Forge.First(Forge.Assertion(d), "Issuer").InnerText = "https://other-idp.example"))),
        ["InResponseTo names a request we never sent"] = new(SamlReason.InResponseToUnknown, (h, _) =>
            Done(Forge.Response(h.Content("_" + new string('a', 32))))),
        ["InResponseTo of the confirmation differs from the response"] = new(SamlReason.InResponseToMismatch, (h, id) =>
            Done(Forge.Response(h.Content(id), beforeSigning: d =>
                Forge.First(d, "SubjectConfirmationData").SetAttribute("InResponseTo", "_" + new string('b', 32))))),
        ["InResponseTo missing (unsolicited)"] = new(SamlReason.Unsolicited, (h, _) =>
            Done(Forge.Response(h.Content(null)))),
        ["replayed response"] = new(SamlReason.Replay, async (h, id) =>
        {
            var encoded = Encode(Forge.Response(h.Content(id)));
            Assert.True((await h.ValidateAsync(encoded)).Succeeded);
            return encoded;
        }),
        ["status is not success"] = new(SamlReason.StatusNotSuccess, (h, id) =>
        {
            var document = SamlMessageWriter.StatusResponse(SamlSpHarness.UpstreamEntityId, h.AcsUrl.AbsoluteUri, id, h.Time.GetUtcNow(), SamlNames.StatusResponder, SamlNames.StatusRequestDenied);
            EnvelopedSignature.Sign(document.DocumentElement!, TestKeys.Upstream);
            return Done(document);
        }),
        ["AuthnContextClassRef weaker than requested"] = new(SamlReason.AuthnContextNotMet, async (h, _) =>
        {
            var strictId = await h.NewRequestAsync("strict");
            return Encode(Forge.Response(h.Content(strictId) with { AuthnContextClassRef = SamlNames.Loa2 }));
        }),
        ["old AuthnInstant when ForceAuthn was asked"] = new(SamlReason.AuthnInstantStale, async (h, _) =>
        {
            var strictId = await h.NewRequestAsync("strict");
            return Encode(Forge.Response(h.Content(strictId) with { AuthnInstant = h.Time.GetUtcNow().AddHours(-1) }));
        }),

        // --- encryption ---
        ["encrypted with RSA 1.5 key transport"] = new(SamlReason.EncryptionAlgorithm, async (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            using var key = (await h.EncryptionCertificateAsync()).GetRSAPublicKey()!;
            var encrypted = AssertionDecryptor.Encrypt(Forge.Assertion(document), key, gcm: true);
            Forge.First(encrypted, "EncryptedKey", SamlNames.XmlEnc).OnlyEncryptionMethod().SetAttribute("Algorithm", SamlNames.Rsa15);
            return Encode(document);
        }),
        ["encrypted assertion that carries the Response's ID"] = new(SamlReason.DuplicateId, async (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            document.DocumentElement!.SetAttribute("ID", Forge.Assertion(document).GetAttribute("ID"));
            using var key = (await h.EncryptionCertificateAsync()).GetRSAPublicKey()!;
            AssertionDecryptor.Encrypt(Forge.Assertion(document), key, gcm: true);
            return Encode(document);
        }),
        ["AES-CBC encrypted assertion in an unsigned response (padding oracle)"] = new(SamlReason.EncryptionAlgorithm, async (h, id) =>
        {
            // A correct, signed assertion: the old code decrypted CBC before any signature and accepted it.
            var document = Forge.Response(h.Content(id));
            using var key = (await h.EncryptionCertificateAsync()).GetRSAPublicKey()!;
            AssertionDecryptor.Encrypt(Forge.Assertion(document), key, gcm: false);
            return Encode(document);
        }),
        ["encrypted for someone else's key"] = new(SamlReason.DecryptionFailed, (h, id) =>
        {
            var document = Forge.Response(h.Content(id));
            using var key = TestKeys.Attacker.GetRSAPublicKey()!;
            AssertionDecryptor.Encrypt(Forge.Assertion(document), key, gcm: true);
            return Done(document);
        }),

        // --- parsing ---
        ["DTD"] = new(SamlReason.DtdProhibited, (h, id) =>
            Text(WithDoctype(h, id, "<!DOCTYPE samlp:Response [<!ELEMENT samlp:Response ANY>]>", null))),
        ["external entity (XXE)"] = new(SamlReason.ExternalEntity, (h, id) =>
            Text(WithDoctype(h, id, "<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "&xxe;"))),
        ["entity expansion (billion laughs)"] = new(SamlReason.EntityExpansion, (h, id) =>
        {
            var entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
            for (var i = 1; i < 10; i++)
            {
                entities.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
            }
            return Text(WithDoctype(h, id, $"<!DOCTYPE samlp:Response [{entities}]>", "&lol9;"));
        }),
        ["oversized"] = new(SamlReason.Oversized, (h, id) =>
            Done(Forge.Response(h.Content(id) with { Attributes = [new SamlAttribute("urn:oid:2.5.4.42", "givenName", [new string('A', 400_000)])] }))),
        ["malformed base64"] = new(SamlReason.MalformedBase64, (_, _) => Task.FromResult("PHNhbWxwOlJlc3BvbnNl*not-base64*")),
        ["malformed XML"] = new(SamlReason.MalformedXml, (_, _) => Text("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><unclosed>")),
        ["not a SAML response"] = new(SamlReason.NotAResponse, (_, _) => Text("<html><body>hello</body></html>")),
    };

    public static TheoryData<string> AttackNames => [.. Corpus.Keys];

    [Fact]
    public void The_corpus_has_at_least_thirty_attacks() => Assert.True(Corpus.Count >= 30, $"{Corpus.Count} attacks");

    [Theory]
    [MemberData(nameof(AttackNames))]
    public async Task Attack_is_refused_with_its_reason(string name)
    {
        var attack = Corpus[name];
        await using var harness = await SamlSpHarness.CreateAsync(database.Directory, database.ConnectionString);
        var requestId = await harness.NewRequestAsync();

        var result = await harness.ValidateAsync(await attack.Build(harness, requestId));

        Assert.False(result.Succeeded);
        Assert.Null(result.Identity);
        Assert.Equal(attack.ExpectedReason, result.Reason);
    }

    /// <summary>Values split by CDATA are read whole: what the signature covers, not its first part.</summary>
    [Fact]
    public async Task CDATA_in_a_signed_NameID_and_attribute_value_is_read_whole()
    {
        await using var harness = await SamlSpHarness.CreateAsync(database.Directory, database.ConnectionString);
        var requestId = await harness.NewRequestAsync();
        var document = Forge.Response(harness.Content(requestId) with
        {
            NameId = "victim@skola.example.se.evil.example",
            Attributes = [new SamlAttribute("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName", ["victim@skola.example.se.evil.example"])],
        });
        var assertion = Forge.Assertion(document);
        Forge.First(assertion, "NameID").InnerXml = "victim@skola.example.se<![CDATA[.evil.example]]>";
        Forge.First(assertion, "AttributeValue").InnerXml = "victim@skola.example.se<![CDATA[.evil]]>.example";
        Assert.Null(EnvelopedSignature.Verify(assertion, [TestKeys.Upstream]));

        var result = await harness.ValidateAsync(Encode(document));

        Assert.True(result.Succeeded, $"{result.Check}: {result.Reason}");
        Assert.Equal("victim@skola.example.se.evil.example", result.Identity!.NameId);
        Assert.Equal(["victim@skola.example.se.evil.example"], result.Identity.Attributes["urn:oid:1.3.6.1.4.1.5923.1.1.1.6"]);
    }

    private static string WithDoctype(SamlSpHarness h, string id, string doctype, string? nameIdEntity)
    {
        var document = Forge.Response(h.Content(id));
        var xml = document.OuterXml;
        if (nameIdEntity is not null)
        {
            xml = xml.Replace("anna.larare@skola.example.se</saml:NameID>", nameIdEntity + "</saml:NameID>", StringComparison.Ordinal);
        }
        return doctype + xml;
    }

    /// <summary>Signs with a hand-made reference, for the signature shapes the library never produces.</summary>
    private static void SignWith(XmlElement element, Action<Reference> transforms, bool extraReference = false)
    {
        using var key = TestKeys.Upstream.GetRSAPrivateKey()!;
        var signedXml = new SignedXml(element) { SigningKey = key };
        signedXml.SignedInfo!.CanonicalizationMethod = SamlNames.ExcC14N;
        signedXml.SignedInfo.SignatureMethod = SamlNames.RsaSha256;
        var reference = new Reference("#" + element.GetAttribute("ID")) { DigestMethod = SamlNames.Sha256 };
        transforms(reference);
        signedXml.AddReference(reference);
        if (extraReference)
        {
            var second = new Reference("#" + element.GetAttribute("ID")) { DigestMethod = SamlNames.Sha256 };
            second.AddTransform(new XmlDsigEnvelopedSignatureTransform());
            second.AddTransform(new XmlDsigExcC14NTransform());
            signedXml.AddReference(second);
        }
        signedXml.ComputeSignature();
        var issuer = Forge.First(element, "Issuer");
        element.InsertAfter(element.OwnerDocument.ImportNode(signedXml.GetXml(), true), issuer);
    }
}

internal static class ForgeXmlExtensions
{
    public static XmlElement OnlyEncryptionMethod(this XmlElement encryptedKey) =>
        encryptedKey.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "EncryptionMethod");
}
