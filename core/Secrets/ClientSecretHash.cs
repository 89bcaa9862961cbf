using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Federation.Core.Secrets;

/// <summary>
/// How the federation keeps a client secret: the register stores only this hash, the feed
/// carries only this hash, and the idp verifies a presented secret against it. Format:
/// <c>pbkdf2-sha256$iterations$salt$key</c> (salt and key base64), so the work factor can grow
/// without breaking stored hashes.
/// </summary>
public static class ClientSecretHash
{
    public const string Scheme = "pbkdf2-sha256";
    public const int Iterations = 100_000;
    private const int SaltBytes = 16;
    private const int KeyBytes = 32;

    /// <summary>Never accept a hash cheaper than this, whatever it says about itself.</summary>
    private const int MinimumIterations = 10_000;

    public static string Create(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, Iterations, HashAlgorithmName.SHA256, KeyBytes);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(key));
    }

    public static bool IsWellFormed(string? hash) => TryParse(hash, out _, out _, out _);

    /// <summary>True when <paramref name="secret"/> is the secret <paramref name="hash"/> was made from (fixed-time comparison).</summary>
    public static bool Verify(string? secret, string? hash)
    {
        if (string.IsNullOrEmpty(secret) || !TryParse(hash, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string? hash, out int iterations, out byte[] salt, out byte[] key)
    {
        iterations = 0;
        salt = key = [];
        var parts = hash?.Split('$');
        if (parts is not [Scheme, var count, var saltText, var keyText]
            || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations < MinimumIterations || iterations > 10_000_000)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(saltText);
            key = Convert.FromBase64String(keyText);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length >= SaltBytes && key.Length >= KeyBytes;
    }
}
