namespace Federation.Inventory.Infrastructure;

/// <summary>
/// A system as stored: the whole <see cref="Domain.SystemRecord"/> as a JSON document, plus the
/// columns the list filters on, kept in step by <see cref="SystemRows"/>.
/// </summary>
public sealed class SystemRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Category { get; set; }
    public required string Lifecycle { get; set; }

    /// <summary>Lower-cased id, name, vendor, description, owner for search.</summary>
    public required string SearchText { get; set; }

    /// <summary>Data-subject categories as <c>|elever|personal|</c> so one LIKE finds one category.</summary>
    public required string DataSubjects { get; set; }

    public bool HasThirdCountryTransfer { get; set; }

    /// <summary>OIDC client id, unique across the register.</summary>
    public string? ClientId { get; set; }

    /// <summary>SAML SP entity id, unique across the register.</summary>
    public string? SamlEntityId { get; set; }

    /// <summary>Gateway path prefix, unique across the register.</summary>
    public string? PublicPath { get; set; }

    /// <summary>The <see cref="Domain.SystemRecord"/> as JSON, secrets included.</summary>
    public required string Document { get; set; }

    /// <summary>The register version of the last write of this system; the ETag. Unique over time.</summary>
    public long Version { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// The register's single state row: its version (the feed's ETag) and the head of the audit
/// chain. Every write locks this row, so writes are serialised on every provider and replica.
/// </summary>
public sealed class RegisterState
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public long Version { get; set; }
    public long AuditSequence { get; set; }
    public string AuditHead { get; set; } = AuditChain.Genesis;
    public bool DemoSeeded { get; set; }
}

/// <summary>One entry of the append-only audit log, chained to the one before by its hash.</summary>
public sealed class AuditEntry
{
    public long Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Target { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}

/// <summary>A sign-in the idp reports; the federation's own personal data, deleted by its registered retention.</summary>
public sealed class SignInEvent
{
    public long Id { get; set; }

    /// <summary>UTC; a DateTime so that both providers compare it in SQL.</summary>
    public DateTime At { get; set; }

    /// <summary>The user's subject id; null when the user was not found.</summary>
    public string? Subject { get; set; }

    /// <summary>The user name as typed or asserted upstream.</summary>
    public string? UserName { get; set; }

    public string? SystemId { get; set; }
    public string? ClientId { get; set; }
    public required string Protocol { get; set; }
    public required string Outcome { get; set; }
    public string? UpstreamIdp { get; set; }
    public string? AssuranceLevel { get; set; }
    public string? TraceId { get; set; }

    /// <summary>
    /// For a release (outcome <c>released</c>): the names of the attributes the system received,
    /// space separated (<see cref="Federation.Core.Attributes.AttributeCatalog"/> names; never values).
    /// </summary>
    public string? ReleasedAttributes { get; set; }
}
