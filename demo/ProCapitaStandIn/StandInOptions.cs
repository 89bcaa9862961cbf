using System.ComponentModel.DataAnnotations;

namespace Federation.Demo.ProCapita;

/// <summary>What this backend shares with the gateway (section <c>Federation</c>).</summary>
public sealed class StandInOptions
{
    public const string Section = "Federation";

    /// <summary>The register id the gateway signs for; a signature for another system is refused.</summary>
    [Required]
    public string SystemId { get; set; } = "procapita";

    /// <summary>The same key as the gateway's <c>Gateway:Backends:procapita:SigningKey</c>.</summary>
    [Required, MinLength(32)]
    public string SigningKey { get; set; } = "";

    public TimeSpan MaxSignatureAge { get; set; } = TimeSpan.FromMinutes(1);
}
