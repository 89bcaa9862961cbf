using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Federation.Idp.Saml;

/// <summary>
/// SAML HTTP-Redirect binding: DEFLATE + base64 in the query string and the detached query-string
/// signature over <c>SAMLRequest=…&amp;RelayState=…&amp;SigAlg=…</c> exactly as it was sent.
/// </summary>
public static class RedirectBinding
{
    private static readonly Dictionary<string, HashAlgorithmName> SignatureAlgorithms = new(StringComparer.Ordinal)
    {
        [SamlNames.RsaSha256] = HashAlgorithmName.SHA256,
        [SamlNames.RsaSha384] = HashAlgorithmName.SHA384,
        [SamlNames.RsaSha512] = HashAlgorithmName.SHA512,
    };

    public static string Deflate(string xml)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(xml));
        }
        return Convert.ToBase64String(output.ToArray());
    }

    /// <summary>Inflates at most <paramref name="maxBytes"/>: a small request must not expand into a large one.</summary>
    public static string Inflate(string base64, int maxBytes)
    {
        byte[] compressed;
        try
        {
            compressed = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new SamlRefusedException(SamlReason.MalformedBase64);
        }
        try
        {
            using var deflate = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var buffer = new byte[maxBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = deflate.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }
            if (total > maxBytes)
            {
                throw new SamlRefusedException(SamlReason.Oversized);
            }
            return new UTF8Encoding(false, true).GetString(buffer, 0, total);
        }
        catch (InvalidDataException)
        {
            throw new SamlRefusedException(SamlReason.MalformedBase64, "not DEFLATE data");
        }
        catch (DecoderFallbackException)
        {
            throw new SamlRefusedException(SamlReason.MalformedXml, "not UTF-8");
        }
    }

    /// <summary>Builds the query string for a message, signed with <paramref name="key"/> when given.</summary>
    public static string BuildQuery(string parameterName, string xml, string? relayState, RSA? key)
    {
        var query = new StringBuilder();
        query.Append(parameterName).Append('=').Append(Uri.EscapeDataString(Deflate(xml)));
        if (relayState is not null)
        {
            query.Append("&RelayState=").Append(Uri.EscapeDataString(relayState));
        }
        if (key is not null)
        {
            query.Append("&SigAlg=").Append(Uri.EscapeDataString(SamlNames.RsaSha256));
            var signature = key.SignData(Encoding.UTF8.GetBytes(query.ToString()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            query.Append("&Signature=").Append(Uri.EscapeDataString(Convert.ToBase64String(signature)));
        }
        return query.ToString();
    }

    /// <summary>
    /// Verifies the query-string signature of a raw query (without '?') against the peer's
    /// certificates. Returns null when valid, else a <see cref="SamlReason"/>.
    /// </summary>
    public static string? VerifyQuerySignature(string rawQuery, string parameterName, IReadOnlyList<X509Certificate2> certificates)
    {
        var parts = rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (parts.Values.Any(v => v.Count > 1))
        {
            return SamlReason.RequestSignatureInvalid;
        }
        string? Raw(string name) => parts.TryGetValue(name, out var v) ? v[0][1] : null;

        var message = Raw(parameterName);
        var relayState = Raw("RelayState");
        var sigAlg = Raw("SigAlg");
        var signature = Raw("Signature");
        if (message is null || sigAlg is null || signature is null)
        {
            return SamlReason.RequestSignatureRequired;
        }
        if (!SignatureAlgorithms.TryGetValue(Uri.UnescapeDataString(sigAlg), out var hash))
        {
            return SamlReason.WeakAlgorithm;
        }
        var signed = $"{parameterName}={message}" + (relayState is null ? "" : $"&RelayState={relayState}") + $"&SigAlg={sigAlg}";
        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(Uri.UnescapeDataString(signature.Replace('+', ' ')).Replace(' ', '+'));
        }
        catch (FormatException)
        {
            return SamlReason.RequestSignatureInvalid;
        }
        var data = Encoding.UTF8.GetBytes(signed);
        return EnvelopedSignature.VerifyWithTrustedKeys(certificates,
            rsa => rsa.VerifyData(data, signatureBytes, hash, RSASignaturePadding.Pkcs1), SamlReason.RequestSignatureInvalid);
    }

    /// <summary>Decodes a query value (form encoding: '+' is a space).</summary>
    public static string? QueryValue(string rawQuery, string name)
    {
        foreach (var part in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length == 2 && pair[0] == name)
            {
                return Uri.UnescapeDataString(pair[1].Replace('+', ' '));
            }
        }
        return null;
    }
}
