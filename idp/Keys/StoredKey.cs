namespace Federation.Idp.Keys;

/// <summary>
/// One RSA key of the key ring, kept in the database so that every replica signs and decrypts
/// with the same keys and a restart keeps them. The private key (a PKCS#12 blob holding a
/// self-signed certificate whose validity mirrors the schedule) is data-protected.
/// </summary>
public sealed class StoredKey
{
    /// <summary>Key id (<c>kid</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary><see cref="KeyUse.Signing"/> or <see cref="KeyUse.Encryption"/>.</summary>
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
    public const string Signing = "sig";
    public const string Encryption = "enc";
}
