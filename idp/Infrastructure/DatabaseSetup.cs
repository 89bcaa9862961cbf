using Federation.Hosting;
using Federation.Hosting.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Infrastructure;

/// <summary>The idp's database, by the services' one convention (<see cref="ServiceDatabase"/>).</summary>
public static class DatabaseSetup
{
    /// <summary>Data-protection application name: the same on every replica, so they share one key ring.</summary>
    public const string DataProtectionApplication = "federation-idp";

    /// <summary>Section <c>Database</c>: <see cref="IdpDbContext"/> on SQLite or PostgreSQL, and the data-protection keys in it.</summary>
    public static IHostApplicationBuilder AddIdpDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddServiceDbContext<DatabaseOptions, IdpDbContext, SqliteIdpDbContext, PostgresIdpDbContext>("data/idp.db");
        // Cookies, antiforgery tokens and protected key material must open on every replica.
        builder.Services.AddSharedDataProtection<IdpDbContext>(DataProtectionApplication);
        builder.Services.AddHealthChecks().AddDbContextCheck<IdpDbContext>("database", tags: [ServiceDefaults.ReadyTag]);
        return builder;
    }

    /// <summary>Migrations, then <paramref name="afterMigrations"/> (demo users), one replica at a time.</summary>
    public static async Task PrepareIdpDatabaseAsync(this IServiceProvider services, Func<CancellationToken, Task> afterMigrations,
        CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        await ServiceDatabase.PrepareAsync(scope.ServiceProvider, db, "idp", options.MigrateOnStart, afterMigrations, cancellationToken);
    }
}

/// <summary>Design-time factory for <c>dotnet ef migrations add … --context SqliteIdpDbContext</c>.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteIdpDbContext>
{
    public SqliteIdpDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteIdpDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Design-time factory for <c>dotnet ef migrations add … --context PostgresIdpDbContext</c>.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresIdpDbContext>
{
    public PostgresIdpDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresIdpDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
