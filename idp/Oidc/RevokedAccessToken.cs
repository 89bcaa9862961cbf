namespace Federation.Idp.Oidc;

/// <summary>
/// A revoked access token, by its <c>jti</c>, kept until the token would have expired anyway.
/// Access tokens are not stored (a row per token would cost a write per token), so this is the only
/// trace of one: in the idp database, so every replica refuses it.
/// </summary>
public sealed class RevokedAccessToken
{
    public required string Jti { get; init; }

    /// <summary>Unix seconds when the token expires; after that the row can go.</summary>
    public required long ExpiresAt { get; init; }
}
