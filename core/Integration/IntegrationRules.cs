using System.Net;

namespace Federation.Core.Integration;

/// <summary>
/// What the federation's consumers can apply from a register entry: the register refuses what
/// breaks a rule, and the idp and the gateway check the same rule before they apply an entry,
/// so an entry that passes one passes the other. Each rule returns null when the value is
/// fine, else a sentence saying what is wrong.
/// </summary>
public static class IntegrationRules
{
    /// <summary>Paths of the gateway itself; a system cannot claim them (or anything under them).</summary>
    public static readonly IReadOnlyList<string> GatewayReservedPaths =
        ["/health", "/metrics", "/signin-oidc", "/signout-callback-oidc", "/account", "/_gateway", "/_federation", "/culture"];

    /// <summary>
    /// An OIDC redirect or post-logout redirect URI, a SAML ACS or metadata URL, and a system's
    /// launch URL (where the portal sends a person, so never <c>javascript:</c> or <c>data:</c>): an absolute
    /// https URL (http only to a loopback host), without fragment, wildcard or user info.
    /// </summary>
    public static string? EndpointUrlProblem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return "Give an absolute https URL.";
        }

        if (value.Contains('#', StringComparison.Ordinal))
        {
            return "A fragment (#…) is not allowed: the response would be sent to it.";
        }

        if (value.Contains('*', StringComparison.Ordinal))
        {
            return "Wildcards (*) are not allowed: give each URL in full.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "User info (user@host) is not allowed.";
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        return uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)
            ? null
            : "Use https; plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost).";
    }

    /// <summary>An upstream of the gateway: an absolute http or https base address, without fragment, query or user info.</summary>
    public static string? UpstreamProblem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "Give an absolute http or https URL.";
        }

        return value.Contains('#', StringComparison.Ordinal) || value.Contains('?', StringComparison.Ordinal) || uri.UserInfo.Length > 0
            ? "Give a base address without fragment, query or user info."
            : null;
    }

    /// <summary>
    /// The gateway path of a backend: <c>/name</c> or <c>/name/sub</c>, segments of letters,
    /// digits, <c>-</c>, <c>_</c>, <c>.</c> and <c>~</c> (never <c>.</c> or <c>..</c> alone), no
    /// trailing slash, not one of the gateway's own paths.
    /// </summary>
    public static string? GatewayPathProblem(string? value)
    {
        const string Shape = "Give a path prefix such as '/procapita': a leading slash, segments of letters, digits, '-', '_', '.', '~', no trailing slash.";
        if (string.IsNullOrEmpty(value) || value[0] != '/' || value.Length < 2 || value.Length > 200)
        {
            return Shape;
        }

        foreach (var segment in value[1..].Split('/'))
        {
            if (segment.Length == 0 || !segment.All(IsPathCharacter))
            {
                return Shape;
            }

            if (segment is "." or "..")
            {
                return "Dot segments ('.', '..') are not allowed: the path would name another one.";
            }
        }

        return GatewayReservedPaths.Any(r => value.Equals(r, StringComparison.OrdinalIgnoreCase)
                                             || value.StartsWith(r + "/", StringComparison.OrdinalIgnoreCase))
            ? $"The gateway uses this path itself; do not use {string.Join(", ", GatewayReservedPaths)}."
            : null;
    }

    /// <summary>
    /// A system's own host name at the gateway: a DNS name in lower case (no scheme, port, path or
    /// IP address), since the gateway matches it against the request's Host.
    /// </summary>
    public static string? PublicHostProblem(string? value)
    {
        const string Shape = "Give a host name such as 'elevhalsa.skola.example.se': lower-case letters, digits, '-' and dots, no scheme, port or path.";
        if (string.IsNullOrEmpty(value) || value.Length > 253 || Uri.CheckHostName(value) != UriHostNameType.Dns)
        {
            return Shape;
        }
        var labels = value.Split('.');
        return labels.Length < 2 || labels.Any(l => l.Length is 0 or > 63 || l[0] == '-' || l[^1] == '-' || !l.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            ? Shape
            : null;
    }

    /// <summary>A health-check path of a backend: absolute path, same characters as a gateway path (a trailing slash is fine).</summary>
    public static string? HealthPathProblem(string? value)
    {
        if (string.IsNullOrEmpty(value) || value[0] != '/')
        {
            return "Give a path with a leading slash, e.g. '/health'.";
        }

        var segments = value[1..].Split('/');
        return segments.Any(s => s is "." or ".." || !s.All(IsPathCharacter))
            ? "Give a plain path such as '/health': letters, digits, '-', '_', '.', '~' and slashes, no dot segments."
            : null;
    }

    /// <summary>An OAuth scope (RFC 6749 §3.3): printable ASCII without space, quote or backslash.</summary>
    public static string? ScopeProblem(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 200 && value.All(c => c is '!' or (>= '#' and <= '[') or (>= ']' and <= '~'))
            ? IdpOnlyScopes.Contains(value, StringComparer.Ordinal)
                ? $"'{value}' is for the idp's own tokens only; no registered client may be given it."
                : null
            : "Give a scope of printable ASCII without spaces, quotes or backslashes (e.g. 'federation.feed').";

    /// <summary>
    /// The idp's own client id, in the tokens it mints itself to call the register. A registered
    /// client with this id would be taken for the idp.
    /// </summary>
    public const string IdpClientId = "federation-idp";

    /// <summary>The idp writes sign-in events to the register with this scope.</summary>
    public const string SignInEventsScope = "federation.signin-events";

    /// <summary>The idp reads one person's releases, for that person's page, with this scope.</summary>
    public const string SubjectReleasesScope = "federation.signin-events.subject";

    /// <summary>Scopes only the idp's own tokens carry: the register refuses them in a registration and the idp never grants them.</summary>
    public static readonly IReadOnlyList<string> IdpOnlyScopes = [SignInEventsScope, SubjectReleasesScope];

    /// <summary>An OIDC client id a registration may not take (the idp's own).</summary>
    public static string? ClientIdProblem(string? value) =>
        string.Equals(value, IdpClientId, StringComparison.OrdinalIgnoreCase)
            ? $"'{IdpClientId}' is the idp's own client id; give the system a client id of its own."
            : null;

    private static bool IsPathCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~';

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback
        || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
