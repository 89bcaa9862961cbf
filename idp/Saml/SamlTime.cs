using System.Globalization;
using System.Xml;

namespace Federation.Idp.Saml;

/// <summary>
/// The one reading of SAML times (xs:dateTime in UTC, SAML core 1.3.3) and of the time windows
/// built on them, with the configured clock skew, for both roles and for metadata.
/// </summary>
public static class SamlTime
{
    // Whole seconds or up to 7 fractional digits (AD FS writes 3, Entra ID 7), always 'Z'.
    private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    /// <summary>An xs:dateTime in UTC ending in <c>Z</c>, or null for anything else.</summary>
    public static DateTimeOffset? Parse(string value) =>
        DateTimeOffset.TryParseExact(value, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;

    /// <summary>An IssueInstant that parses, is not in the future and not older than <paramref name="maxAge"/> (both ± skew).</summary>
    public static bool IsRecent(string issueInstant, DateTimeOffset now, TimeSpan maxAge, TimeSpan skew) =>
        Parse(issueInstant) is { } instant && instant <= now + skew && instant >= now - maxAge - skew;

    /// <summary>An optional <c>NotBefore</c>: absent, or a time that has come (less skew). An unreadable one has not.</summary>
    public static bool HasBegun(XmlAttribute? notBefore, DateTimeOffset now, TimeSpan skew) =>
        notBefore is null || Parse(notBefore.Value) <= now + skew;

    /// <summary>A required <c>NotOnOrAfter</c> that parses and has not passed (plus skew): the end to keep the message for, else null.</summary>
    public static DateTimeOffset? ValidUntil(string notOnOrAfter, DateTimeOffset now, TimeSpan skew) =>
        Parse(notOnOrAfter) is { } end && now < end + skew ? end + skew : null;
}
