using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Federation.Idp.Saml.Storage;

/// <summary>For <c>dotnet ef migrations add … --context SqliteSamlDbContext</c>.</summary>
internal sealed class SqliteSamlDbContextFactory : IDesignTimeDbContextFactory<SqliteSamlDbContext>
{
    public SqliteSamlDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSamlDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable(SamlDbContext.HistoryTable)).Options);
}

/// <summary>For <c>dotnet ef migrations add … --context PostgresSamlDbContext</c>.</summary>
internal sealed class PostgresSamlDbContextFactory : IDesignTimeDbContextFactory<PostgresSamlDbContext>
{
    public PostgresSamlDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresSamlDbContext>()
            .UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable(SamlDbContext.HistoryTable)).Options);
}
