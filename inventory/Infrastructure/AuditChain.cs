using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Federation.Inventory.Infrastructure;

/// <summary>
/// The hash chain of the audit log: each entry's hash covers its own fields and the hash of the
/// entry before it, so changing, removing or reordering any entry breaks every link after it.
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    public static string HashOf(AuditEntry e)
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

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
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
