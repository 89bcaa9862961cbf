using System.ComponentModel.DataAnnotations;

namespace Federation.Demo.EService;

/// <summary>The e-service's registration at the idp (section <c>EService</c>): the register's OIDC client of the system.</summary>
public sealed class EServiceOptions
{
    public const string Section = "EService";

    /// <summary>The idp (issuer); its discovery document gives every endpoint.</summary>
    [Required]
    public Uri? Authority { get; set; }

    /// <summary>Plain http to the idp only for the loopback demo.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    [Required]
    public string ClientId { get; set; } = "";

    /// <summary>A confidential client: the register holds the secret's hash.</summary>
    [Required]
    public string ClientSecret { get; set; } = "";

    /// <summary>The service's name on its page (the register's name for it).</summary>
    [Required]
    public string DisplayName { get; set; } = "";

    /// <summary>The assurance level the service needs (<c>loa3</c>: two factors or e-legitimation).</summary>
    [Required]
    public string RequiredLevel { get; set; } = Federation.Core.Access.AssuranceLevel.Loa3.Name;
}
