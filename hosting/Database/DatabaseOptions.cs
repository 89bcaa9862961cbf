using System.ComponentModel.DataAnnotations;

namespace Federation.Hosting.Database;

/// <summary>
/// Where a service keeps its state (section <c>Database</c>), the same shape in every service: the
/// embedded SQLite file by default, PostgreSQL when several replicas share one database.
/// </summary>
public class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default, one process) or <c>postgres</c> (several replicas).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>ADO.NET connection string; for SQLite a relative file path is resolved against the working directory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply migrations on start. Every replica may: start-up work runs under one database lock.</summary>
    public bool MigrateOnStart { get; set; } = true;

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase) && !IsPostgres)
        {
            yield return new ValidationResult("Database:Provider must be 'sqlite' or 'postgres'.", [nameof(Provider)]);
        }
        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Database:Provider=postgres needs Database:ConnectionString.", [nameof(ConnectionString)]);
        }
    }
}
