namespace Federation.Gateway.Tests.Infrastructure;

/// <summary>
/// The idp's token side for the gateway (<see cref="TokenIssuer"/>): access tokens (RFC 9068,
/// <c>typ: at+jwt</c>) with the claims the gateway's policy reads, for its audience.
/// </summary>
internal sealed class TestTokenIssuer : IAsyncDisposable
{
    private readonly TokenIssuer _issuer;

    private TestTokenIssuer(TokenIssuer issuer) => _issuer = issuer;

    /// <summary>The issuer, with a trailing slash like the idp's.</summary>
    public string Issuer => _issuer.Issuer;

    public static async Task<TestTokenIssuer> StartAsync() => new(await TokenIssuer.StartAsync());

    /// <summary>An access token for a demo user.</summary>
    public string Mint(
        string subject,
        string[]? roles = null,
        string acr = "loa2",
        string[]? schoolUnits = null,
        string[]? groups = null,
        string[]? audiences = null,
        IDictionary<string, object>? extra = null,
        string type = "at+jwt")
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["roles"] = roles ?? [],
            ["acr"] = acr,
            ["school_units"] = schoolUnits ?? [],
            ["groups"] = groups ?? [],
            ["scope"] = "openid profile",
            ["aud"] = audiences ?? ["federation-gateway"],
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, object>())
        {
            claims[name] = value;
        }
        return _issuer.CreateToken(claims, type, expires: DateTime.UtcNow.AddMinutes(10));
    }

    public ValueTask DisposeAsync() => _issuer.DisposeAsync();
}
