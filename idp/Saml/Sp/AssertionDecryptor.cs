using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace Federation.Idp.Saml.Sp;

/// <summary>
/// Decrypts an EncryptedAssertion with our key: RSA-OAEP key transport, AES-GCM or AES-CBC
/// content. Every other algorithm (RSA 1.5, 3DES, …) is refused. Written on the primitives
/// because <c>EncryptedXml</c> has no AES-GCM and would accept algorithms we do not want.
/// </summary>
/// <remarks>
/// CBC is not authenticated: decrypting attacker-chosen ciphertext and telling apart "bad padding",
/// "not UTF-8", "not XML" and "not an Assertion" is a decryption oracle (Jager and Somorovsky,
/// "How to break XML Encryption", 2011). So CBC is decrypted only inside a Response whose signature
/// has already been verified (the caller says so), and every failure once decryption has begun
/// has one outward reason (<see cref="SamlReason.DecryptionFailed"/>) in the result, the log and the metric.
/// Algorithm refusals come before any decryption and depend on nothing secret.
/// </remarks>
public static class AssertionDecryptor
{
    private static readonly Dictionary<string, (int KeyBytes, bool Gcm)> ContentAlgorithms = new(StringComparer.Ordinal)
    {
        [SamlNames.Aes128Gcm] = (16, true),
        [SamlNames.Aes192Gcm] = (24, true),
        [SamlNames.Aes256Gcm] = (32, true),
        [SamlNames.Aes128Cbc] = (16, false),
        [SamlNames.Aes192Cbc] = (24, false),
        [SamlNames.Aes256Cbc] = (32, false),
    };

    /// <summary>Returns the decrypted Assertion element (owned by the same document, not yet inserted).</summary>
    /// <param name="allowCbc">True only when a verified signature covers <paramref name="encryptedAssertion"/> (the Response's).</param>
    public static XmlElement Decrypt(XmlElement encryptedAssertion, RSA ourKey, int maxCharacters, bool allowCbc)
    {
        var encryptedData = encryptedAssertion.OnlyChild(SamlNames.XmlEnc, "EncryptedData")
            ?? throw new SamlRefusedException(SamlReason.DecryptionFailed, "no single EncryptedData");
        var contentAlgorithm = encryptedData.OnlyChild(SamlNames.XmlEnc, "EncryptionMethod")?.GetAttribute("Algorithm") ?? "";
        if (!ContentAlgorithms.TryGetValue(contentAlgorithm, out var content))
        {
            throw new SamlRefusedException(SamlReason.EncryptionAlgorithm, contentAlgorithm);
        }
        if (!content.Gcm && !allowCbc)
        {
            throw new SamlRefusedException(SamlReason.EncryptionAlgorithm, "AES-CBC outside a signed Response");
        }

        // The EncryptedKey is inside EncryptedData/KeyInfo or beside EncryptedData (AD FS does both).
        var keyInfo = encryptedData.OnlyChild(SamlNames.DSig, "KeyInfo");
        var encryptedKeys = (keyInfo?.Children(SamlNames.XmlEnc, "EncryptedKey") ?? [])
            .Concat(encryptedAssertion.Children(SamlNames.XmlEnc, "EncryptedKey"))
            .ToList();
        if (encryptedKeys.Count != 1)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, $"{encryptedKeys.Count} EncryptedKey elements");
        }
        var padding = KeyTransportPadding(encryptedKeys[0]);
        try
        {
            return DecryptChecked(encryptedAssertion, encryptedData, encryptedKeys[0], padding, content.KeyBytes, content.Gcm, ourKey, maxCharacters);
        }
        catch (Exception e) when (e is SamlRefusedException or CryptographicException or FormatException or XmlException)
        {
            // One answer for every failure from here on: no oracle in the reason, the log or the metric.
            throw new SamlRefusedException(SamlReason.DecryptionFailed);
        }
    }

    private static XmlElement DecryptChecked(
        XmlElement encryptedAssertion, XmlElement encryptedData, XmlElement encryptedKey, RSAEncryptionPadding padding,
        int keyBytes, bool gcm, RSA ourKey, int maxCharacters)
    {
        byte[] contentKey;
        try
        {
            contentKey = ourKey.Decrypt(CipherValue(encryptedKey), padding);
        }
        catch (CryptographicException)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, "key transport");
        }
        if (contentKey.Length != keyBytes)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, "content key length");
        }

        var cipher = CipherValue(encryptedData);
        var plaintext = gcm ? DecryptGcm(contentKey, cipher) : DecryptCbc(contentKey, cipher);
        string xml;
        try
        {
            xml = new UTF8Encoding(false, true).GetString(plaintext);
        }
        catch (DecoderFallbackException)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, "not UTF-8");
        }
        var assertion = SecureXml.LoadFragment(xml, encryptedAssertion, maxCharacters);
        if (assertion.LocalName != "Assertion" || assertion.NamespaceURI != SamlNames.Assertion)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, "decrypted content is not an Assertion");
        }
        return assertion;
    }

    /// <summary>The key transport algorithm, refused before anything is decrypted when it is not one we take.</summary>
    private static RSAEncryptionPadding KeyTransportPadding(XmlElement encryptedKey)
    {
        var method = encryptedKey.OnlyChild(SamlNames.XmlEnc, "EncryptionMethod")
            ?? throw new SamlRefusedException(SamlReason.EncryptionAlgorithm, "no key transport method");
        var algorithm = method.GetAttribute("Algorithm");
        var digest = method.OnlyChild(SamlNames.DSig, "DigestMethod")?.GetAttribute("Algorithm") ?? SamlNames.Sha1;
        var mgf = method.OnlyChild(SamlNames.XmlEnc11, "MGF")?.GetAttribute("Algorithm") ?? SamlNames.Mgf1Sha1;
        // .NET's OAEP uses the same hash for the digest and MGF1, so those are the pairs we take.
        var padding = (algorithm, digest, mgf) switch
        {
            (SamlNames.RsaOaepMgf1p, SamlNames.Sha1, _) => RSAEncryptionPadding.OaepSHA1,
            (SamlNames.RsaOaep, SamlNames.Sha1, SamlNames.Mgf1Sha1) => RSAEncryptionPadding.OaepSHA1,
            (SamlNames.RsaOaep, SamlNames.Sha256, SamlNames.Mgf1Sha256) => RSAEncryptionPadding.OaepSHA256,
            _ => throw new SamlRefusedException(SamlReason.EncryptionAlgorithm, $"{algorithm} {digest} {mgf}"),
        };
        if (method.OnlyChild(SamlNames.XmlEnc, "OAEPparams") is not null)
        {
            throw new SamlRefusedException(SamlReason.EncryptionAlgorithm, "OAEPparams");
        }
        return padding;
    }

    private static byte[] CipherValue(XmlElement encrypted)
    {
        var value = encrypted.OnlyChild(SamlNames.XmlEnc, "CipherData")?.OnlyChild(SamlNames.XmlEnc, "CipherValue")
            ?? throw new SamlRefusedException(SamlReason.DecryptionFailed, "no CipherValue");
        try
        {
            return Convert.FromBase64String(value.ReadToken());
        }
        catch (FormatException)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, "CipherValue is not base64");
        }
    }

    private static byte[] DecryptGcm(byte[] key, byte[] cipher)
    {
        const int nonceBytes = 12, tagBytes = 16;
        if (cipher.Length < nonceBytes + tagBytes)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, "GCM data too short");
        }
        var plaintext = new byte[cipher.Length - nonceBytes - tagBytes];
        try
        {
            using var aes = new AesGcm(key, tagBytes);
            aes.Decrypt(cipher.AsSpan(0, nonceBytes), cipher.AsSpan(nonceBytes, plaintext.Length), cipher.AsSpan(cipher.Length - tagBytes), plaintext);
        }
        catch (CryptographicException)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, "GCM tag");
        }
        return plaintext;
    }

    private static byte[] DecryptCbc(byte[] key, byte[] cipher)
    {
        const int block = 16;
        if (cipher.Length < 2 * block || cipher.Length % block != 0)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, "CBC data length");
        }
        using var aes = Aes.Create();
        aes.Key = key;
        byte[] padded;
        try
        {
            padded = aes.DecryptCbc(cipher.AsSpan(block), cipher.AsSpan(0, block), PaddingMode.None);
        }
        catch (CryptographicException)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, "CBC");
        }
        // XML-Enc padding: the last byte says how many bytes to drop; the others are arbitrary.
        var pad = padded[^1];
        if (pad is < 1 or > block)
        {
            throw new SamlRefusedException(SamlReason.DecryptionFailed, "CBC padding");
        }
        return padded[..^pad];
    }

    /// <summary>
    /// Encrypts an assertion for a peer (RSA-OAEP-MGF1P + AES-256-GCM or AES-256-CBC). Used by
    /// tests and the benchmark as the upstream IdP would; replaces <paramref name="assertion"/>
    /// with an EncryptedAssertion.
    /// </summary>
    /// <param name="plaintext">What to encrypt instead of the assertion's XML (tests of the decryption failures).</param>
    public static XmlElement Encrypt(XmlElement assertion, RSA peerKey, bool gcm, byte[]? plaintext = null)
    {
        var document = assertion.OwnerDocument;
        var key = RandomNumberGenerator.GetBytes(32);
        plaintext ??= Encoding.UTF8.GetBytes(assertion.OuterXml);
        byte[] cipher;
        if (gcm)
        {
            var nonce = RandomNumberGenerator.GetBytes(12);
            var tag = new byte[16];
            var encrypted = new byte[plaintext.Length];
            using (var aes = new AesGcm(key, 16))
            {
                aes.Encrypt(nonce, plaintext, encrypted, tag);
            }
            cipher = [.. nonce, .. encrypted, .. tag];
        }
        else
        {
            using var aes = Aes.Create();
            aes.Key = key;
            var iv = RandomNumberGenerator.GetBytes(16);
            cipher = [.. iv, .. aes.EncryptCbc(plaintext, iv, PaddingMode.ISO10126)];
        }
        var wrappedKey = peerKey.Encrypt(key, RSAEncryptionPadding.OaepSHA1);
        var xml = $"""
            <saml:EncryptedAssertion xmlns:saml="{SamlNames.Assertion}"><xenc:EncryptedData xmlns:xenc="{SamlNames.XmlEnc}" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="{(gcm ? SamlNames.Aes256Gcm : SamlNames.Aes256Cbc)}"/><ds:KeyInfo xmlns:ds="{SamlNames.DSig}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{SamlNames.RsaOaepMgf1p}"><ds:DigestMethod Algorithm="{SamlNames.Sha1}"/></xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>{Convert.ToBase64String(wrappedKey)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{Convert.ToBase64String(cipher)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>
            """;
        var fragment = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        fragment.LoadXml(xml);
        var imported = (XmlElement)document.ImportNode(fragment.DocumentElement!, true);
        assertion.ParentNode!.ReplaceChild(imported, assertion);
        return imported;
    }
}
