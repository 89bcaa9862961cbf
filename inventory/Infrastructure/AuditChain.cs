using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Federation.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Federation.Inventory.Infrastructure;

/// <summary>Configuration section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Shortest key accepted: 32 characters.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>
    /// The key of the audit chain's HMAC. It is kept outside the database (configuration, a
    /// secret store), so whoever can write the database cannot recompute the chain. Required
    /// outside Development; Development uses <see cref="DemoValues.DevelopmentAuditKey"/> when unset.
    /// </summary>
    public string? Key { get; set; }
}

/// <summary>
/// The keyed hash chain of the audit log: each entry's hash is an HMAC-SHA256, under a key the
/// database never sees, of its own fields and the hash of the entry before it. Changing,
/// removing or reordering an entry breaks every link after it, and without the key nobody can
/// compute a chain that verifies again.
/// </summary>
public sealed class AuditChain
{
    public const string KeyedAction = "audit-chain-keyed";

    public static readonly string Genesis = new('0', 64);

    private readonly byte[] key;

    public AuditChain(IOptions<AuditOptions> options)
    {
        var configured = options.Value.Key;
        key = Encoding.UTF8.GetBytes(string.IsNullOrEmpty(configured) ? DemoValues.DevelopmentAuditKey : configured);
    }

    public string HashOf(AuditEntry e) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Canonical(e)));

    /// <summary>
    /// The unkeyed SHA-256 of registers from before the key: accepted only for the entries before
    /// the first keyed one, which links to them, so they cannot change either.
    /// </summary>
    public static string LegacyHashOf(AuditEntry e) => Convert.ToHexStringLower(SHA256.HashData(Canonical(e)));

    private static byte[] Canonical(AuditEntry e)
    {
        // Length-prefixed fields: no value can be shifted into its neighbour.
        var text = new StringBuilder();
        foreach (var field in new[]
                 {
                     e.Sequence.ToString(CultureInfo.InvariantCulture),
                     e.At.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                     e.Actor, e.Action, e.Target, e.Before, e.After, e.PreviousHash,
                 })
        {
            text.Append(field is null ? "-1" : field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Timestamps are kept to the millisecond so every database gives back what was hashed.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}

/// <summary>Result of <c>GET /api/audit/verify</c>.</summary>
/// <param name="Valid">True when every link holds and the chain ends at the register's recorded head.</param>
/// <param name="Entries">How many entries were checked.</param>
/// <param name="FirstBrokenSequence">Sequence number of the first entry that does not verify.</param>
/// <param name="Reason">Why it does not verify.</param>
public sealed record AuditVerification(bool Valid, long Entries, long? FirstBrokenSequence, string? Reason);
