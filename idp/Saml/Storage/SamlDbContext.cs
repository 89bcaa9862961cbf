using Microsoft.EntityFrameworkCore;

namespace Federation.Idp.Saml.Storage;

/// <summary>
/// SAML's own tables (replay cache, sent and pending AuthnRequests, key material). Kept apart
/// from the idp's DbContext; it may share the database, with its own migrations history table.
/// One subclass per provider carries that provider's migrations.
/// </summary>
public abstract class SamlDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__SamlMigrationsHistory";

    public DbSet<SamlReplayEntry> ReplayEntries => Set<SamlReplayEntry>();
    public DbSet<SamlSentRequest> SentRequests => Set<SamlSentRequest>();
    public DbSet<SamlPendingRequest> PendingRequests => Set<SamlPendingRequest>();
    public DbSet<SamlKeyMaterial> KeyMaterial => Set<SamlKeyMaterial>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SamlReplayEntry>(e =>
        {
            e.ToTable("saml_replay");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(600);
            e.HasIndex(x => x.ExpiresAtUnixMs);
        });
        modelBuilder.Entity<SamlSentRequest>(e =>
        {
            e.ToTable("saml_sent_request");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(100);
            e.Property(x => x.Upstream).HasMaxLength(200);
            e.Property(x => x.AcsUrl).HasMaxLength(2000);
            e.Property(x => x.RequestedAuthnContext).HasMaxLength(2000);
            e.Property(x => x.Comparison).HasMaxLength(20);
            e.Property(x => x.ReturnUrl).HasMaxLength(4000);
            e.HasIndex(x => x.ExpiresAtUnixMs);
        });
        modelBuilder.Entity<SamlPendingRequest>(e =>
        {
            e.ToTable("saml_pending_request");
            e.HasKey(x => x.Handle);
            e.Property(x => x.Handle).HasMaxLength(100);
            e.Property(x => x.SpEntityId).HasMaxLength(1000);
            e.Property(x => x.RequestId).HasMaxLength(300);
            e.Property(x => x.AcsUrl).HasMaxLength(2000);
            e.Property(x => x.RelayState).HasMaxLength(1000);
            e.Property(x => x.NameIdFormat).HasMaxLength(300);
            e.Property(x => x.RequestedAuthnContext).HasMaxLength(2000);
            e.Property(x => x.Comparison).HasMaxLength(20);
            e.HasIndex(x => x.ExpiresAtUnixMs);
        });
        modelBuilder.Entity<SamlKeyMaterial>(e =>
        {
            e.ToTable("saml_key_material");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(100);
        });
    }
}

/// <summary>SQLite flavour (embedded default); carries the SQLite migrations.</summary>
public sealed class SqliteSamlDbContext(DbContextOptions<SqliteSamlDbContext> options) : SamlDbContext(options);

/// <summary>PostgreSQL flavour (scale-out); carries the PostgreSQL migrations.</summary>
public sealed class PostgresSamlDbContext(DbContextOptions<PostgresSamlDbContext> options) : SamlDbContext(options);

/// <summary>An assertion ID seen from an issuer, kept until the assertion could no longer be used.</summary>
public sealed class SamlReplayEntry
{
    /// <summary>Issuer and assertion ID.</summary>
    public required string Key { get; set; }
    public long ExpiresAtUnixMs { get; set; }
}

/// <summary>An AuthnRequest this idp sent upstream, awaiting its one response.</summary>
public sealed class SamlSentRequest
{
    public required string Id { get; set; }
    /// <summary>Configured name of the upstream IdP.</summary>
    public required string Upstream { get; set; }
    public required string AcsUrl { get; set; }
    /// <summary>Requested AuthnContextClassRefs, space separated; empty when none.</summary>
    public string RequestedAuthnContext { get; set; } = "";
    public string Comparison { get; set; } = "exact";
    public bool ForceAuthn { get; set; }
    public long IssuedAtUnixMs { get; set; }
    public long ExpiresAtUnixMs { get; set; }
    /// <summary>Set once, when the one accepted response used this request; kept until expiry.</summary>
    public long? ConsumedAtUnixMs { get; set; }
    public string? ReturnUrl { get; set; }
}

/// <summary>An AuthnRequest from a downstream SP waiting for the user to sign in.</summary>
public sealed class SamlPendingRequest
{
    public required string Handle { get; set; }
    public required string SpEntityId { get; set; }
    public required string RequestId { get; set; }
    public required string AcsUrl { get; set; }
    public string? RelayState { get; set; }
    public bool ForceAuthn { get; set; }
    public bool IsPassive { get; set; }
    public string? NameIdFormat { get; set; }
    public string RequestedAuthnContext { get; set; } = "";
    public string Comparison { get; set; } = "exact";
    public long ReceivedAtUnixMs { get; set; }
    public long ExpiresAtUnixMs { get; set; }
}

/// <summary>A key or secret, protected with ASP.NET Core data protection.</summary>
public sealed class SamlKeyMaterial
{
    public required string Name { get; set; }
    public required byte[] Protected { get; set; }
    public long CreatedAtUnixMs { get; set; }
}
