using System.Security.Cryptography;

namespace Federation.Testing;

/// <summary>RFC 6238 codes, as an authenticator app computes them.</summary>
public static class Totp
{
    private static readonly Dictionary<string, long> LastStep = new(StringComparer.Ordinal);

    /// <summary>
    /// Without <paramref name="at"/>: a code the idp has not seen yet. The idp accepts each time
    /// step once (and one step ahead of its clock), so a second code in the same 30 s is the next
    /// step's, and a third waits (bounded) until that is within reach, like a person would.
    /// </summary>
    public static string Code(string base32Secret, DateTimeOffset? at = null)
    {
        if (at is { } fixedTime)
        {
            return CodeAt(base32Secret, fixedTime.ToUnixTimeSeconds() / 30);
        }
        long step;
        lock (LastStep)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
            step = Math.Max(now, LastStep.GetValueOrDefault(base32Secret, long.MinValue + 1) + 1);
            LastStep[base32Secret] = step;
        }
        // The idp takes one step ahead of its clock: wait until step - 1 has begun (at most the steps reserved ahead).
        var wait = DateTimeOffset.FromUnixTimeSeconds((step - 1) * 30) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            Thread.Sleep(wait + TimeSpan.FromMilliseconds(200));
        }
        return CodeAt(base32Secret, step);
    }

    public static string CodeAt(string base32Secret, long step)
    {
        var key = Base32Decode(base32Secret);
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }
#pragma warning disable CA5350 // RFC 6238's default, what authenticator apps use
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32Decode(string input)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var output = new List<byte>();
        foreach (var c in input.TrimEnd('=').ToUpperInvariant())
        {
            value = (value << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. output];
    }
}
