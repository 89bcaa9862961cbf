using System.ComponentModel.DataAnnotations;

namespace Federation.Idp.Saml;

/// <summary>Configuration section <c>Saml</c>. Validated on start.</summary>
public sealed class SamlOptions : IValidatableObject
{
    /// <summary>Our entity ID as an IdP towards downstream SPs.</summary>
    [Required]
    public string IdpEntityId { get; set; } = "http://127.0.0.1:5100/saml";

    /// <summary>Our entity ID as an SP towards upstream IdPs.</summary>
    [Required]
    public string SpEntityId { get; set; } = "http://127.0.0.1:5100/saml/sp";

    /// <summary>Public origin of the idp (scheme, host, port); endpoint URLs are built from it.</summary>
    [Required]
    public Uri PublicOrigin { get; set; } = new("http://127.0.0.1:5100");

    /// <summary>Allowed clock difference with peers (Sweden Connect: 3–5 minutes).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Oldest IssueInstant accepted on a response or request.</summary>
    public TimeSpan MaxMessageAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Validity of assertions we issue.</summary>
    public TimeSpan AssertionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a sent or pending AuthnRequest waits for its answer.</summary>
    public TimeSpan RequestLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Largest decoded SAML message (bytes / characters) we parse.</summary>
    [Range(4096, 4 * 1024 * 1024)]
    public int MaxMessageSize { get; set; } = 256 * 1024;

    /// <summary>RSA size of the signing and encryption keys generated on first start.</summary>
    [Range(2048, 8192)]
    public int GeneratedKeySize { get; set; } = 3072;

    /// <summary>Refuse unsigned AuthnRequests from every SP.</summary>
    public bool RequireSignedAuthnRequests { get; set; }

    /// <summary>Upstream IdPs, each configured by its metadata file.</summary>
    public List<UpstreamIdpOptions> Upstreams { get; set; } = [];

    /// <summary>A federation's signed metadata aggregate of downstream SPs (optional).</summary>
    public MetadataAggregateOptions? Aggregate { get; set; }

    /// <summary>Database: <c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string DatabaseProvider { get; set; } = "sqlite";

    /// <summary>Connection string of the database that holds the SAML tables.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/idp-saml.db";

    public Uri Endpoint(string path) => new(PublicOrigin, path);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult("Saml:ClockSkew must be between 0 and 10 minutes.");
        }
        if (MaxMessageAge <= TimeSpan.Zero || AssertionLifetime <= TimeSpan.Zero || RequestLifetime <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Saml lifetimes must be positive.");
        }
        if (DatabaseProvider is not ("sqlite" or "postgres"))
        {
            yield return new ValidationResult("Saml:DatabaseProvider must be 'sqlite' or 'postgres'.");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var upstream in Upstreams)
        {
            if (string.IsNullOrWhiteSpace(upstream.Name) || !names.Add(upstream.Name))
            {
                yield return new ValidationResult("Each Saml:Upstreams entry needs a unique Name.");
            }
            if (string.IsNullOrWhiteSpace(upstream.MetadataPath))
            {
                yield return new ValidationResult($"Saml:Upstreams '{upstream.Name}' needs MetadataPath.");
            }
            else if (!File.Exists(upstream.MetadataPath))
            {
                yield return new ValidationResult($"Saml:Upstreams '{upstream.Name}': metadata file '{upstream.MetadataPath}' not found.");
            }
            if (upstream.Comparison is not ("exact" or "minimum"))
            {
                yield return new ValidationResult($"Saml:Upstreams '{upstream.Name}': Comparison must be 'exact' or 'minimum'.");
            }
        }
        if (Aggregate is { } aggregate)
        {
            if (string.IsNullOrWhiteSpace(aggregate.Path))
            {
                yield return new ValidationResult("Saml:Aggregate:Path is required.");
            }
            if (string.IsNullOrWhiteSpace(aggregate.PinnedCertificatePath) || !File.Exists(aggregate.PinnedCertificatePath))
            {
                yield return new ValidationResult("Saml:Aggregate:PinnedCertificatePath must name an existing certificate file.");
            }
        }
    }
}

/// <summary>An upstream IdP (AD FS, Entra ID, a Skolfederation member).</summary>
public sealed class UpstreamIdpOptions
{
    /// <summary>Our short name for it, used in URLs (<c>/saml/sp/login/{name}</c>) and metrics.</summary>
    public string Name { get; set; } = "";

    /// <summary>Label on the login page.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The IdP's metadata file (entity ID, SSO URL, signing certificates).</summary>
    public string MetadataPath { get; set; } = "";

    /// <summary>AuthnContextClassRefs we ask for; empty asks for none.</summary>
    public List<string> RequestedAuthnContext { get; set; } = [];

    /// <summary><c>exact</c> or <c>minimum</c>.</summary>
    public string Comparison { get; set; } = "exact";

    /// <summary>Ask the IdP to authenticate the user again.</summary>
    public bool ForceAuthn { get; set; }
}

/// <summary>A signed metadata aggregate (Skolfederation style) of downstream SPs.</summary>
public sealed class MetadataAggregateOptions
{
    /// <summary>File path of the aggregate.</summary>
    public string Path { get; set; } = "";

    /// <summary>PEM or DER file of the federation operator's signing certificate.</summary>
    public string PinnedCertificatePath { get; set; } = "";

    /// <summary>Attributes released to aggregate SPs that the register does not list itself.</summary>
    public List<string> DefaultRelease { get; set; } = [];
}
