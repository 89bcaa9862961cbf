using System.Data.Common;
using Federation.Hosting.Database;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Federation.Idp.Tests.Infrastructure;

/// <summary>
/// Saves to one SQLite file from many contexts at once (as token requests store their rows) go one
/// at a time through the gate instead of colliding on SQLite's write lock, whose SQLITE_BUSY
/// Microsoft.Data.Sqlite answers with a 150 ms sleep.
/// </summary>
public sealed class SqliteWriteGateTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"write-gate-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Concurrent_saves_to_one_file_write_one_at_a_time_and_all_land()
    {
        var writes = new ConcurrentWrites();
        await using (var db = Open(writes))
        {
            await db.Database.EnsureCreatedAsync();
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await using var db = Open(writes);
            db.Notes.Add(new Note { Text = $"note {i}" });
            await db.SaveChangesAsync();
        }));

        await using var check = Open(writes);
        Assert.Equal(8, await check.Notes.CountAsync());
        Assert.Equal(8, writes.Inserts);
        Assert.Equal(1, writes.MostAtOnce);
    }

    [Fact]
    public async Task A_save_inside_an_explicit_transaction_does_not_wait_for_the_gate()
    {
        var writes = new ConcurrentWrites();
        await using (var db = Open(writes))
        {
            await db.Database.EnsureCreatedAsync();
        }
        await using var inTransaction = Open(writes);
        await using var transaction = await inTransaction.Database.BeginTransactionAsync();
        inTransaction.Notes.Add(new Note { Text = "first" });
        await inTransaction.SaveChangesAsync();
        // The transaction now holds SQLite's write lock; its next save must not queue behind a
        // gate that another writer could be holding while it waits for that lock.
        inTransaction.Notes.Add(new Note { Text = "second" });
        await inTransaction.SaveChangesAsync();
        await transaction.CommitAsync();

        await using var other = Open(writes);
        other.Notes.Add(new Note { Text = "after" });
        await other.SaveChangesAsync();
        Assert.Equal(3, await other.Notes.CountAsync());
    }

    private NotesContext Open(ConcurrentWrites writes) => new(new DbContextOptionsBuilder<NotesContext>()
        .UseSqlite(ServiceDatabase.SqliteConnectionString($"Data Source={_file}"))
        .AddInterceptors(new SqliteWriteGate(Path.GetFullPath(_file)), writes)
        .Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private sealed class Note
    {
        public int Id { get; set; }

        public string Text { get; set; } = "";
    }

    private sealed class NotesContext(DbContextOptions<NotesContext> options) : DbContext(options)
    {
        public DbSet<Note> Notes => Set<Note>();
    }

    /// <summary>How many INSERTs were executing at once at most; each lingers a moment so overlaps show.</summary>
    private sealed class ConcurrentWrites : DbCommandInterceptor
    {
        private int _now;
        private int _most;
        private int _inserts;

        public int MostAtOnce => Volatile.Read(ref _most);

        public int Inserts => Volatile.Read(ref _inserts);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("INSERT", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _inserts);
                var now = Interlocked.Increment(ref _now);
                int most;
                while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
                {
                }
                await Task.Delay(20, cancellationToken);
            }
            return result;
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("INSERT", StringComparison.Ordinal))
            {
                Interlocked.Decrement(ref _now);
            }
            return ValueTask.FromResult(result);
        }
    }
}
