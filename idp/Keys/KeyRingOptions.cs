using System.ComponentModel.DataAnnotations;

namespace Federation.Idp.Keys;

/// <summary>Rotation schedule of the signing and encryption keys (section <c>Keys</c>).</summary>
public sealed class KeyRingOptions : IValidatableObject
{
    public const string Section = "Keys";

    /// <summary>How long a key signs before the next one takes over.</summary>
    public TimeSpan ActiveFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long the next key is published before it signs (caches of JWKS catch up meanwhile).</summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a retired key stays published: at least the longest token lifetime (refresh tokens).</summary>
    public TimeSpan RetainAfterRetirement { get; set; } = TimeSpan.FromDays(15);

    /// <summary>How often each replica reloads the ring (and rotates when due).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    [Range(2048, 4096)]
    public int RsaKeySize { get; set; } = 2048;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublishAhead >= ActiveFor)
        {
            yield return new ValidationResult("Keys:PublishAhead must be shorter than Keys:ActiveFor.");
        }
        if (RefreshInterval <= TimeSpan.Zero || RefreshInterval >= PublishAhead)
        {
            yield return new ValidationResult("Keys:RefreshInterval must be positive and shorter than Keys:PublishAhead, or replicas would miss the next key.");
        }
        if (RetainAfterRetirement <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Keys:RetainAfterRetirement must be positive.");
        }
    }
}
