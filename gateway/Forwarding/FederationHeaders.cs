using System.Text;

namespace Federation.Gateway.Forwarding;

/// <summary>
/// The names and the value encoding of the identity headers the gateway forwards, and the
/// canonical string both sides sign. Shared by the gateway (signer) and backends (verifier)
/// so the two cannot drift apart.
/// </summary>
public static class FederationHeaders
{
    public const string Prefix = "X-Federation-";

    /// <summary>Unix seconds when the gateway signed; part of the signed string.</summary>
    public const string Timestamp = "X-Federation-Timestamp";

    /// <summary><c>hmac-sha256=&lt;base64&gt;</c> over <see cref="Canonicalize"/>.</summary>
    public const string Signature = "X-Federation-Signature";

    /// <summary>The register id of the system the request was meant for; always signed.</summary>
    public const string System = "X-Federation-System";

    /// <summary>Notice for systems being decommissioned (response header, not signed).</summary>
    public const string Notice = "X-Federation-Notice";

    public const string SignatureScheme = "hmac-sha256=";

    public static bool IsFederationHeader(string name) =>
        name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> HeaderNames = new(StringComparer.Ordinal);

    /// <summary><c>given_name</c> → <c>X-Federation-Given-Name</c>.</summary>
    public static string ForAttribute(string attribute) => HeaderNames.GetOrAdd(attribute, BuildHeaderName);

    private static string BuildHeaderName(string attribute)
    {
        var builder = new StringBuilder(Prefix, Prefix.Length + attribute.Length);
        var upper = true;
        foreach (var c in attribute)
        {
            if (c == '_')
            {
                builder.Append('-');
                upper = true;
                continue;
            }
            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return builder.ToString();
    }

    /// <summary><c>X-Federation-Given-Name</c> → <c>given_name</c>; null for the gateway's own headers.</summary>
    public static string? AttributeOf(string headerName)
    {
        if (!IsFederationHeader(headerName)
            || string.Equals(headerName, Timestamp, StringComparison.OrdinalIgnoreCase)
            || string.Equals(headerName, Signature, StringComparison.OrdinalIgnoreCase)
            || string.Equals(headerName, System, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return headerName[Prefix.Length..].Replace('-', '_').ToLowerInvariant();
    }

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
    /// The signed string: a version line, then every <c>X-Federation-*</c> header except the
    /// signature, as <c>lower-case-name:value</c> lines sorted by name. Adding, removing or
    /// changing any identity header (or the timestamp) changes the string.
    /// </summary>
    public static string Canonicalize(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var lines = new List<(string Name, string Value)>();
        foreach (var (name, value) in headers)
        {
            if (IsFederationHeader(name) && !string.Equals(name, Signature, StringComparison.OrdinalIgnoreCase))
            {
                lines.Add((name.ToLowerInvariant(), value));
            }
        }
        lines.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var builder = new StringBuilder("federation-headers-v1\n", 256);
        foreach (var (name, value) in lines)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
        return builder.ToString();
    }
}
