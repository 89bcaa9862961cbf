using System.ComponentModel.DataAnnotations;

namespace Federation.Hosting;

/// <summary>
/// Where operators read metrics and health details (section <c>Management</c>): a second port the
/// public ingress does not forward. Liveness (<c>/health/live</c>) stays on every port.
/// </summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    /// <summary>
    /// The management port. Without one, Development (and the test suites' Testing environment)
    /// serve everything on the public port as before; any other environment serves no metrics
    /// and only the bare readiness status.
    /// </summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>The address the management port listens on; loopback unless the scraper runs elsewhere.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";
}

/// <summary>
/// The reverse proxies (TLS offload, load balancer) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed (section <c>ForwardedHeaders</c>). Empty: none, and the
/// headers are ignored; nobody else can then make the service think a request came over HTTPS
/// or from another address.
/// </summary>
public sealed class ForwardedHeadersTrustOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}
