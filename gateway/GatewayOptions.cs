using System.ComponentModel.DataAnnotations;
using Federation.Gateway.Forwarding;

namespace Federation.Gateway;

/// <summary>The gateway's own settings (section <c>Gateway</c>); routes come from the register's feed.</summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string Section = "Gateway";

    /// <summary>Per system id: the secret the gateway signs identity headers with. Never in the register.</summary>
    public Dictionary<string, BackendSecret> Backends { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often each upstream's health path is probed.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long an upstream that failed requests is left out before it is tried again.</summary>
    public TimeSpan ReactivationPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Opening a connection to an upstream; a dead or blackholed host answers 503 after this.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest silence from an upstream during a request before the gateway gives up (504).</summary>
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public RateLimitOptions RateLimits { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (system, secret) in Backends)
        {
            if (string.IsNullOrEmpty(secret.SigningKey) || secret.SigningKey.Length < IdentityHeaderSigner.MinimumKeyLength)
            {
                yield return new ValidationResult(
                    $"Gateway:Backends:{system}:SigningKey needs at least {IdentityHeaderSigner.MinimumKeyLength} characters.");
            }
        }
        if (ConnectTimeout <= TimeSpan.Zero || ActivityTimeout <= TimeSpan.Zero || HealthCheckInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Gateway timeouts and intervals must be positive.");
        }
    }
}

public sealed class BackendSecret
{
    public string SigningKey { get; set; } = "";
}

/// <summary>Fixed windows; each request counts against both its user and its client address.</summary>
public sealed class RateLimitOptions
{
    [Range(1, int.MaxValue)]
    public int PermitsPerUser { get; set; } = 600;

    [Range(1, int.MaxValue)]
    public int PermitsPerAddress { get; set; } = 1200;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
