using System.ComponentModel.DataAnnotations;

namespace Federation.Demo.Backend;

/// <summary>
/// Which system this process stands in for and what it shares with the gateway (section
/// <c>Federation</c>). One program, started once per backend of the demo register.
/// </summary>
public sealed class StandInOptions
{
    public const string Section = "Federation";

    /// <summary>The register id the gateway signs for; a signature for another system is refused.</summary>
    [Required, RegularExpression("^[a-z0-9-]+$")]
    public string SystemId { get; set; } = "procapita";

    /// <summary>The system's name on the page (the register's name for it).</summary>
    [Required]
    public string DisplayName { get; set; } = "ProCapita Education";

    /// <summary>The same key as the gateway's <c>Gateway:Backends:{SystemId}:SigningKey</c>.</summary>
    [Required, MinLength(32)]
    public string SigningKey { get; set; } = "";

    /// <summary>Where a person opens this system through the gateway; the page links there when opened directly.</summary>
    public Uri? GatewayAddress { get; set; }

    public TimeSpan MaxSignatureAge { get; set; } = TimeSpan.FromMinutes(1);
}
