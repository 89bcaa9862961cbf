using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Federation.Inventory.Infrastructure;

/// <summary>The register's database. One model; a subclass per provider so each has its own migrations.</summary>
public abstract class InventoryDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Shared by the replicas (<see cref="DatabaseSetup.DataProtectionApplication"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SystemRow> Systems => Set<SystemRow>();
    public DbSet<RegisterState> State => Set<RegisterState>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();
    public DbSet<SignInEvent> SignInEvents => Set<SignInEvent>();

    public abstract bool IsPostgres { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SystemRow>(e =>
        {
            e.ToTable("Systems");
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasMaxLength(64);
            e.Property(s => s.Name).HasMaxLength(200);
            e.Property(s => s.Category).HasMaxLength(100);
            e.Property(s => s.Lifecycle).HasMaxLength(40);
            e.Property(s => s.Version).IsConcurrencyToken();
            e.HasIndex(s => s.Lifecycle);
            e.HasIndex(s => s.Category);
            e.HasIndex(s => s.Name);
            e.Property(s => s.ClientId).HasMaxLength(200);
            e.Property(s => s.SamlEntityId).HasMaxLength(500);
            e.Property(s => s.PublicPath).HasMaxLength(200);
            e.HasIndex(s => s.ClientId).IsUnique();
            e.HasIndex(s => s.SamlEntityId).IsUnique();
            e.HasIndex(s => s.PublicPath).IsUnique();
        });

        modelBuilder.Entity<RegisterState>(e =>
        {
            e.ToTable("RegisterState");
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).ValueGeneratedNever();
            e.Property(s => s.AuditHead).HasMaxLength(64);
            e.HasData(new RegisterState());
        });

        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("AuditLog");
            e.HasKey(a => a.Sequence);
            e.Property(a => a.Sequence).ValueGeneratedNever();
            e.Property(a => a.Actor).HasMaxLength(200);
            e.Property(a => a.Action).HasMaxLength(40);
            e.Property(a => a.Target).HasMaxLength(200);
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
            e.HasIndex(a => a.Target);
        });

        modelBuilder.Entity<SignInEvent>(e =>
        {
            e.ToTable("SignInEvents");
            e.HasKey(x => x.Id);
            e.Property(x => x.Subject).HasMaxLength(200);
            e.Property(x => x.SystemId).HasMaxLength(64);
            e.Property(x => x.ClientId).HasMaxLength(200);
            e.Property(x => x.Protocol).HasMaxLength(20);
            e.Property(x => x.Outcome).HasMaxLength(40);
            e.Property(x => x.UpstreamIdp).HasMaxLength(200);
            e.Property(x => x.AssuranceLevel).HasMaxLength(20);
            e.Property(x => x.UserName).HasMaxLength(200);
            e.Property(x => x.TraceId).HasMaxLength(64);
            e.Property(x => x.ReleasedAttributes).HasMaxLength(400);
            e.HasIndex(x => x.At);
            // A person's own releases (Mina uppgifter) are read by subject.
            e.HasIndex(x => new { x.Subject, x.At });
        });
    }
}

/// <summary>The embedded default: a SQLite file.</summary>
public sealed class SqliteInventoryDbContext(DbContextOptions<SqliteInventoryDbContext> options) : InventoryDbContext(options)
{
    public override bool IsPostgres => false;
}

/// <summary>Scale-out: PostgreSQL shared by several replicas.</summary>
public sealed class PostgresInventoryDbContext(DbContextOptions<PostgresInventoryDbContext> options) : InventoryDbContext(options)
{
    public override bool IsPostgres => true;
}

/// <summary>Lets <c>dotnet ef migrations add X --context SqliteInventoryDbContext</c> build the model.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteInventoryDbContext>
{
    public SqliteInventoryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteInventoryDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add X --context PostgresInventoryDbContext</c> build the model.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresInventoryDbContext>
{
    public PostgresInventoryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresInventoryDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
