using System.ComponentModel.DataAnnotations;

namespace Federation.Idp;

/// <summary>The idp's own settings (section <c>Idp</c>).</summary>
public sealed class IdpOptions : IValidatableObject
{
    public const string Section = "Idp";

    /// <summary>Issuer of every token, e.g. <c>http://127.0.0.1:5100/</c>.</summary>
    [Required]
    public Uri? Issuer { get; set; }

    /// <summary>Create the demo users on first start.</summary>
    public bool SeedDemoUsers { get; set; } = true;

    /// <summary>Scopes that stand for an API: scope to the audience its access tokens carry.</summary>
    public Dictionary<string, string> ApiScopes { get; set; } = new(StringComparer.Ordinal);

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Keep a database row per access token, so that each one can be revoked and introspected on its
    /// own. Off by default: access tokens are self-contained JWTs that the gateway and the register
    /// validate through JWKS without asking the idp, so a row would not stop them anyway, and it costs a
    /// database write per token (bench/idp measures it). Codes and refresh tokens are always stored.
    /// </summary>
    public bool StoreAccessTokens { get; set; }

    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Sliding: each rotation gives the new refresh token this long (never past the absolute end).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Absolute: no refresh this long after the sign-in, however often the token was rotated.</summary>
    public TimeSpan RefreshTokenAbsoluteLifetime { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a sign-in session lasts before the person signs in again.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The register's sign-in event endpoint (<c>…/api/signin-events</c>); null: events are only logged.</summary>
    public Uri? SigninEventsUrl { get; set; }

    /// <summary>Audience of the tokens the idp mints for itself to call the register.</summary>
    public string RegisterAudience { get; set; } = "federation-inventory";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Issuer is { IsAbsoluteUri: false })
        {
            yield return new ValidationResult("Idp:Issuer must be an absolute URI.");
        }
        if (AccessTokenLifetime <= TimeSpan.Zero || RefreshTokenLifetime <= TimeSpan.Zero || AuthorizationCodeLifetime <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Token lifetimes must be positive.");
        }
        if (RefreshTokenAbsoluteLifetime < RefreshTokenLifetime)
        {
            yield return new ValidationResult("Idp:RefreshTokenAbsoluteLifetime must be at least Idp:RefreshTokenLifetime.");
        }
    }
}
