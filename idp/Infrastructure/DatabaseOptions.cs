using System.ComponentModel.DataAnnotations;

namespace Federation.Idp.Infrastructure;

/// <summary>Where the idp keeps its state (section <c>Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    [Required, RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Database:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = Sqlite;

    /// <summary>Connection string; for SQLite a relative file path is resolved against the working directory.</summary>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/idp.db";

    /// <summary>Apply migrations on start (every replica may do it; EF takes a lock on PostgreSQL).</summary>
    public bool MigrateOnStart { get; set; } = true;
}
