using System.Data;
using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Hosting.Database;

/// <summary>
/// The one database convention of the services: options in <c>Database</c> validated on start, a
/// pooled context per provider (each with its own migrations) behind the service's abstract context,
/// data-protection keys in that database under one application name, and start-up work (migrations,
/// seeding) that replicas starting together do one after the other.
/// </summary>
public static class ServiceDatabase
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> from <c>Database</c> and both provider contexts; the
    /// configured provider decides at resolve time which one is <typeparamref name="TContext"/>
    /// (so a test host may set it late).
    /// </summary>
    public static IServiceCollection AddServiceDbContext<TOptions, TContext, TSqlite, TPostgres>(
        this IServiceCollection services, string defaultSqliteFile,
        Action<DbContextOptionsBuilder, TOptions>? configure = null)
        where TOptions : DatabaseOptions
        where TContext : DbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        services.AddOptions<TOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.PostConfigure<TOptions>(o => o.ConnectionString = string.IsNullOrWhiteSpace(o.ConnectionString) && !o.IsPostgres
            ? $"Data Source={defaultSqliteFile}"
            : o.ConnectionString);

        // Pooled: contexts are resolved on most requests and building one from scratch is measurable.
        services.AddDbContextPool<TPostgres>((sp, o) =>
        {
            var options = sp.GetRequiredService<IOptions<TOptions>>().Value;
            o.UseNpgsql(options.ConnectionString);
            configure?.Invoke(o, options);
        });
        services.AddDbContextPool<TSqlite>((sp, o) =>
        {
            var options = sp.GetRequiredService<IOptions<TOptions>>().Value;
            var connectionString = SqliteConnectionString(options.ConnectionString!);
            o.UseSqlite(connectionString)
             .AddInterceptors(new SqliteWriteGate(new SqliteConnectionStringBuilder(connectionString).DataSource));
            configure?.Invoke(o, options);
        });
        services.AddScoped<TContext>(sp => sp.GetRequiredService<IOptions<TOptions>>().Value.IsPostgres
            ? sp.GetRequiredService<TPostgres>()
            : sp.GetRequiredService<TSqlite>());
        return services;
    }

    /// <summary>
    /// Data-protection keys (cookies, antiforgery, protected secrets) in <typeparamref name="TContext"/>,
    /// under one application name per service: every replica reads and writes the same key ring, so
    /// what one replica protected the others open.
    /// </summary>
    public static IDataProtectionBuilder AddSharedDataProtection<TContext>(this IServiceCollection services, string applicationName)
        where TContext : DbContext, IDataProtectionKeyContext =>
        services.AddDataProtection().SetApplicationName(applicationName).PersistKeysToDbContext<TContext>();

    /// <summary>A SQLite connection string with its folder created and a busy timeout.</summary>
    public static string SqliteConnectionString(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(csb.DataSource) && csb.DataSource != ":memory:" && csb.Mode != SqliteOpenMode.Memory)
        {
            csb.DataSource = Path.GetFullPath(csb.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(csb.DataSource)!);
        }
        // Several connections write: wait instead of failing with "database is locked".
        csb.DefaultTimeout = 30;
        return csb.ToString();
    }

    /// <summary>
    /// Applies the context's migrations and then <paramref name="afterMigrations"/> (seeding, repairs),
    /// all under one lock per <paramref name="lockName"/>: replicas starting together on PostgreSQL
    /// wait for each other (a session advisory lock), so a second replica finds the first one's seed
    /// instead of writing it again. EF Core 9+ also locks the migrations themselves (PostgreSQL: the
    /// history table; SQLite: its <c>__EFMigrationsLock</c> row); this lock covers the work around them.
    /// Last, under the same lock, the data-protection key ring is made: two replicas starting on an
    /// empty database would otherwise each make a first key of their own and refuse each other's cookies.
    /// </summary>
    public static async Task PrepareAsync(IServiceProvider services, DbContext db, string lockName, bool migrate,
        Func<CancellationToken, Task>? afterMigrations, CancellationToken cancellationToken)
    {
        var then = afterMigrations;
        afterMigrations = async ct =>
        {
            if (then is not null)
            {
                await then(ct);
            }
            // Protecting anything loads the key ring from the database and writes a first key if there is none.
            services.GetService<IDataProtectionProvider>()?.CreateProtector("federation-key-ring").Protect("start");
        };

        if (!db.Database.IsNpgsql())
        {
            if (migrate)
            {
                await db.Database.MigrateAsync(cancellationToken);
                // WAL lets readers go on while one writer commits; the setting is kept in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            await afterMigrations(cancellationToken);
            return;
        }

        await RunExclusiveAsync(db, "migrate:" + lockName, async ct =>
        {
            if (migrate)
            {
                await db.Database.MigrateAsync(ct);
            }
            await afterMigrations(ct);
        }, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> while holding a PostgreSQL session advisory lock named
    /// <paramref name="lockName"/> on <paramref name="db"/>'s connection, so the replicas of a service
    /// do it one at a time (on SQLite, one file and one process: just runs it). A replica that dies
    /// holding the lock loses its session, and the lock with it.
    /// </summary>
    public static async Task RunExclusiveAsync(DbContext db, string lockName, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            await work(cancellationToken);
            return;
        }
        // The lock belongs to a session: the context keeps this one connection open until it is released.
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var key = LockKey(lockName);
        try
        {
            // Waits for another replica's work, which on a cold, loaded machine takes longer than a command's 30 s.
            await ExecuteAsync(connection, $"SELECT pg_advisory_lock({key})", cancellationToken, LockWait);
            try
            {
                await work(cancellationToken);
            }
            finally
            {
                if (connection.State == ConnectionState.Open)
                {
                    await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({key})", CancellationToken.None);
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static bool IsNpgsql(this DatabaseFacade database) =>
        database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>How long a replica waits for another's start-up work; if the holder dies, its session ends and the lock with it.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (timeout is { } wait)
        {
            command.CommandTimeout = (int)wait.TotalSeconds;
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A stable 64-bit advisory-lock key for a name (string.GetHashCode differs per process).</summary>
    private static long LockKey(string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("federation:" + name));
        return BitConverter.ToInt64(hash, 0);
    }
}
