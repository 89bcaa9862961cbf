namespace Federation.Idp.Keys;

/// <summary>
/// One key of the key ring (RSA, or ECDSA P-256 for <see cref="KeyUse.EcSigning"/>), kept in the database so that every replica signs and decrypts
/// with the same keys and a restart keeps them. The private key (a PKCS#12 blob holding a
/// self-signed certificate whose validity mirrors the schedule) is data-protected.
/// </summary>
public sealed class StoredKey
{
    /// <summary>Key id (<c>kid</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary><see cref="KeyUse.Signing"/>, <see cref="KeyUse.EcSigning"/> or <see cref="KeyUse.Encryption"/>.</summary>
    public string Use { get; set; } = KeyUse.Signing;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>From here on it signs (encrypts); before, it is only published.</summary>
    public DateTimeOffset ActivatesAt { get; set; }

    /// <summary>From here on the next key signs; this one is still published.</summary>
    public DateTimeOffset RetiresAt { get; set; }

    /// <summary>Tokens it signed have expired by now: it leaves JWKS and the database.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public byte[] ProtectedPkcs12 { get; set; } = [];
}

public static class KeyUse
{
    /// <summary>RSA, RS256: ID tokens and everything OpenIddict signs by default.</summary>
    public const string Signing = "sig";

    /// <summary>ECDSA P-256, ES256: access tokens for the federation's own resource servers.</summary>
    public const string EcSigning = "sig-ec";

    public const string Encryption = "enc";

    /// <summary>Each of these always has a current key, rotated on the same schedule.</summary>
    public static readonly IReadOnlyList<string> All = [Signing, EcSigning, Encryption];
}
