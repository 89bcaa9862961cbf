namespace Federation.Core.Integration;

/// <summary>
/// The signature algorithms a resource server of the federation (the gateway, the register)
/// accepts on the idp's access tokens: RS256 (the RSA key) and ES256 (the EC key for our own
/// servers). Named, so that <c>none</c>, HS* (a public key used as an HMAC secret) or anything
/// a library may add later never counts, whatever the token's header says.
/// </summary>
public static class AccessTokenAlgorithms
{
    public const string Rs256 = "RS256";
    public const string Es256 = "ES256";

    public static readonly IReadOnlyList<string> Accepted = [Rs256, Es256];
}
