using Federation.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Infrastructure;

public static class DatabaseSetup
{
    /// <summary>The provider-specific context behind <see cref="IdpDbContext"/>, and shared data-protection keys.</summary>
    public static IHostApplicationBuilder AddIdpDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        // Pooled: OpenIddict resolves its stores, and with them a context, on most protocol requests,
        // and building a context from scratch each time was a measurable part of a token request.
        if (string.Equals(options.Provider, DatabaseOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddDbContextPool<PostgresIdpDbContext>(o => o.UseNpgsql(options.ConnectionString));
            builder.Services.AddScoped<IdpDbContext>(sp => sp.GetRequiredService<PostgresIdpDbContext>());
        }
        else
        {
            var connectionString = SqliteFile(options.ConnectionString);
            builder.Services.AddDbContextPool<SqliteIdpDbContext>(o => o.UseSqlite(connectionString));
            builder.Services.AddScoped<IdpDbContext>(sp => sp.GetRequiredService<SqliteIdpDbContext>());
        }

        // Cookies, antiforgery tokens and protected key material must open on every replica.
        builder.Services.AddDataProtection()
            .SetApplicationName("federation-idp")
            .PersistKeysToDbContext<IdpDbContext>();

        builder.Services.AddHealthChecks().AddDbContextCheck<IdpDbContext>("database", tags: [ServiceDefaults.ReadyTag]);
        return builder;
    }

    /// <summary>Creates the folder of a SQLite file so that the first start just works.</summary>
    private static string SqliteFile(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(csb.DataSource) && csb.DataSource != ":memory:")
        {
            csb.DataSource = Path.GetFullPath(csb.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(csb.DataSource)!);
        }
        // Several connections write (tokens, keys): wait instead of failing with "database is locked".
        csb.DefaultTimeout = 30;
        return csb.ToString();
    }

    /// <summary>Applies the provider's migrations.</summary>
    public static async Task MigrateIdpDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        using var scope = services.CreateScope();
        if (!scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
        {
            return;
        }
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers and the one writer work side by side.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
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
