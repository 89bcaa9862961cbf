using Federation.Idp.Identity;
using Microsoft.AspNetCore.DataProtection;

namespace Federation.Idp.Oidc;

/// <summary>
/// The proof that an authorize request which asked for a new authentication (prompt=login,
/// max_age) got one: a protected, time-limited marker naming the session that was current when
/// the request was sent to /login. The request is answered once the session is a different one.
/// </summary>
public sealed class FreshSignIn(IDataProtectionProvider protection)
{
    /// <summary>Query parameter of the authorize request as it returns from the login page.</summary>
    public const string Parameter = "fed_fresh";

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Federation.Idp.Oidc.FreshSignIn").ToTimeLimitedDataProtector();

    public string Marker(FederationIdentity? current) =>
        _protector.Protect("s:" + (current?.SessionId ?? ""), Lifetime);

    public bool AnsweredBy(string? marker, FederationIdentity session)
    {
        if (string.IsNullOrEmpty(marker))
        {
            return false;
        }
        try
        {
            var replaced = _protector.Unprotect(marker);
            return replaced.StartsWith("s:", StringComparison.Ordinal) && replaced[2..] != session.SessionId;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false; // forged, altered or expired: ask again
        }
    }
}
