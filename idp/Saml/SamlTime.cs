using System.Globalization;

namespace Federation.Idp.Saml;

/// <summary>The one reading of SAML times (xs:dateTime in UTC) and of "issued recently", for both roles and metadata.</summary>
public static class SamlTime
{
    /// <summary>An xs:dateTime ending in <c>Z</c> (SAML core 1.3.3), or null.</summary>
    public static DateTimeOffset? Parse(string value)
    {
        if (value.Length == 0 || !value.EndsWith('Z'))
        {
            return null;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;
    }

    /// <summary>An IssueInstant that parses, is not in the future and not older than <paramref name="maxAge"/> (both ± skew).</summary>
    public static bool IsRecent(string issueInstant, DateTimeOffset now, TimeSpan maxAge, TimeSpan skew) =>
        Parse(issueInstant) is { } instant && instant <= now + skew && instant >= now - maxAge - skew;
}
