using Federation.Idp.Identity;
using Federation.Idp.Keys;
using Federation.Idp.Oidc;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Federation.Idp.Infrastructure;

/// <summary>
/// One database for everything the idp keeps: local accounts (Identity), OpenIddict's
/// applications, authorizations, scopes and tokens, the key ring and the data-protection keys
/// that every replica must share. Each provider has its own subclass so that each gets its
/// own migration set.
/// </summary>
public abstract class IdpDbContext(DbContextOptions options)
    : IdentityDbContext<IdpUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<StoredKey> KeyRing => Set<StoredKey>();

    public DbSet<RevokedAccessToken> RevokedAccessTokens => Set<RevokedAccessToken>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.Entity<StoredKey>(key =>
        {
            key.ToTable("KeyRing");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasMaxLength(64);
            key.Property(k => k.Use).HasMaxLength(8);
        });
        builder.Entity<RevokedAccessToken>(token =>
        {
            token.HasKey(t => t.Jti);
            token.Property(t => t.Jti).HasMaxLength(100);
            token.HasIndex(t => t.ExpiresAt);
        });
    }
}

/// <summary>The embedded default: a SQLite file.</summary>
public sealed class SqliteIdpDbContext(DbContextOptions<SqliteIdpDbContext> options) : IdpDbContext(options);

/// <summary>Scale-out: PostgreSQL shared by every replica.</summary>
public sealed class PostgresIdpDbContext(DbContextOptions<PostgresIdpDbContext> options) : IdpDbContext(options);
