using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Federation.Idp.Identity;

/// <summary>
/// A password hash of no account, made with the configured hasher once: a sign-in with an
/// unknown name (or an account without a password) is checked against it, so that it costs the
/// same hash as a real attempt and its answer takes as long.
/// </summary>
public sealed class DecoyPassword(IPasswordHasher<IdpUser> hasher)
{
    private static readonly IdpUser Nobody = new() { UserName = "decoy" };

    // Made once per process (a race makes two, which is harmless).
    private static string? s_hash;

    public void Verify(string password)
    {
        var hash = s_hash ??= hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        _ = hasher.VerifyHashedPassword(Nobody, hash, password);
    }
}
