using System.ComponentModel.DataAnnotations;

namespace Federation.Gateway.Identity;

/// <summary>How the gateway signs people in and accepts API callers (section <c>Identity</c>).</summary>
public sealed class GatewayIdentityOptions
{
    public const string Section = "Identity";

    /// <summary>The idp's issuer, e.g. <c>http://127.0.0.1:5100/</c>.</summary>
    [Required]
    public Uri? Authority { get; set; }

    [Required]
    public string ClientId { get; set; } = "";

    /// <summary>The gateway is a confidential client; the demo secret lives in appsettings.Development.json.</summary>
    [Required]
    public string ClientSecret { get; set; } = "";

    /// <summary><c>offline_access</c> is required: the session's refresh token re-checks the person at the idp and is what the gateway exchanges per system.</summary>
    public List<string> Scopes { get; set; } = ["openid", "profile", "email", "roles", "offline_access"];

    /// <summary>Audiences a bearer token may carry to be accepted here, beyond the backends' own audiences in the feed.</summary>
    public List<string> ApiAudiences { get; set; } = ["federation-gateway"];

    /// <summary>Plain HTTP is only for loopback demos and tests.</summary>
    public bool RequireHttpsMetadata { get; set; }

    /// <summary>Sliding: a session unused this long ends.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Absolute: a session ends this long after sign-in however active it is.</summary>
    public TimeSpan AbsoluteSessionLifetime { get; set; } = TimeSpan.FromHours(12);
}
