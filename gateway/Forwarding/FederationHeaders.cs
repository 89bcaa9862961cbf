using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using Federation.Core.Attributes;

namespace Federation.Gateway.Forwarding;

/// <summary>
/// The names and the value encoding of the identity headers the gateway forwards, and the
/// canonical string both sides sign. Shared by the gateway (signer) and backends (verifier)
/// so the two cannot drift apart.
/// </summary>
public static class FederationHeaders
{
    public const string Prefix = "X-Federation-";

    /// <summary>Unix seconds when the gateway signed; signed.</summary>
    public const string Timestamp = "X-Federation-Timestamp";

    /// <summary>A fresh random value per request; signed, and remembered by the verifier for the window.</summary>
    public const string Nonce = "X-Federation-Nonce";

    /// <summary><c>hmac-sha256=&lt;base64&gt;</c> over <see cref="Canonicalize"/>.</summary>
    public const string Signature = "X-Federation-Signature";

    /// <summary>The register id of the system the request was meant for; always signed.</summary>
    public const string System = "X-Federation-System";

    /// <summary>Notice for systems being decommissioned (response header, not signed).</summary>
    public const string Notice = "X-Federation-Notice";

    public const string SignatureScheme = "hmac-sha256=";

    /// <summary>First line of the signed string; changes whenever its layout does.</summary>
    public const string Version = "federation-headers-v2";

    private static readonly FrozenDictionary<string, string> AttributesByHeader =
        AttributeCatalog.All.ToFrozenDictionary(a => Normalize(a.HeaderName), a => a.Name, StringComparer.Ordinal);

    /// <summary>
    /// Whether a header name is, or could be read by some server as, one of ours: case is ignored
    /// and <c>_</c> counts as <c>-</c> (CGI-style servers and some proxies map <c>X_Federation_Roles</c>
    /// to the same variable as <c>X-Federation-Roles</c>).
    /// </summary>
    public static bool IsFederationHeader(string name)
    {
        if (name.Length < Prefix.Length)
        {
            return false;
        }
        for (var i = 0; i < Prefix.Length; i++)
        {
            var c = name[i] == '_' ? '-' : name[i];
            if (char.ToLowerInvariant(c) != char.ToLowerInvariant(Prefix[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The one spelling of a header name: lower case, <c>_</c> as <c>-</c>.</summary>
    public static string Normalize(string name)
    {
        foreach (var c in name)
        {
            if (c == '_' || char.IsAsciiLetterUpper(c) || !char.IsAscii(c))
            {
                return name.Replace('_', '-').ToLowerInvariant();
            }
        }
        return name; // already in the one spelling: no copy per header per request
    }

    /// <summary><c>given_name</c> → <c>X-Federation-Given-Name</c> (from the attribute catalog); null for an unknown attribute.</summary>
    public static string? ForAttribute(string attribute) => AttributeCatalog.Find(attribute)?.HeaderName;

    /// <summary><c>X-Federation-Given-Name</c> → <c>given_name</c>; null for the gateway's own headers and unknown names.</summary>
    public static string? AttributeOf(string headerName) =>
        AttributesByHeader.GetValueOrDefault(Normalize(headerName));

    /// <summary>
    /// Values are percent-encoded UTF-8 (names like "Åsa Öberg" are not valid raw header bytes)
    /// and joined with commas, so a comma inside a value cannot split it.
    /// </summary>
    public static string EncodeValues(IEnumerable<string> values) =>
        string.Join(',', values.Select(Uri.EscapeDataString));

    public static IReadOnlyList<string> DecodeValues(string encoded) =>
        encoded.Length == 0
            ? []
            : encoded.Split(',').Select(Uri.UnescapeDataString).ToArray();

    /// <summary>
    /// The signed string, one item per line ending in <c>\n</c>: <see cref="Version"/>, the request
    /// method in upper case, the request target exactly as sent on the wire (path and query, e.g.
    /// <c>/elever?klass=7b</c>), then every <c>X-Federation-*</c> header except the signature as
    /// <c>normalised-name:value</c>, sorted by name (ordinal). The system, timestamp and nonce are
    /// headers, so they are covered too. A signature therefore holds for one request to one system
    /// at one time, and changing, adding or removing anything in it breaks it.
    /// </summary>
    public static string Canonicalize(string method, string target, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var output = new ArrayBufferWriter<byte>(512);
        WriteCanonical(output, method, target, headers);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>
    /// <see cref="Canonicalize"/> as UTF-8 into <paramref name="output"/>, the bytes the signature is
    /// computed over. The one implementation of the layout: the string form decodes these bytes.
    /// </summary>
    public static void WriteCanonical(IBufferWriter<byte> output, string method, string target, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var lines = ArrayPool<KeyValuePair<string, string>>.Shared.Rent(16);
        var count = 0;
        try
        {
            foreach (var (name, value) in headers)
            {
                if (!IsFederationHeader(name) || IsSignature(name))
                {
                    continue;
                }
                if (count == lines.Length)
                {
                    var larger = ArrayPool<KeyValuePair<string, string>>.Shared.Rent(count * 2);
                    lines.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<KeyValuePair<string, string>>.Shared.Return(lines, clearArray: true);
                    lines = larger;
                }
                lines[count++] = new(Normalize(name), value);
            }
            lines.AsSpan(0, count).Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            Line(output, Version);
            Line(output, method.ToUpperInvariant());
            Line(output, target);
            foreach (var (name, value) in lines.AsSpan(0, count))
            {
                Encoding.UTF8.GetBytes(name, output);
                output.Write(":"u8);
                Line(output, value);
            }
        }
        finally
        {
            ArrayPool<KeyValuePair<string, string>>.Shared.Return(lines, clearArray: true);
        }

        static void Line(IBufferWriter<byte> output, string text)
        {
            Encoding.UTF8.GetBytes(text, output);
            output.Write("\n"u8);
        }
    }

    internal static bool IsSignature(string name) =>
        name.Length == Signature.Length && string.Equals(name.Replace('_', '-'), Signature, StringComparison.OrdinalIgnoreCase);
}
