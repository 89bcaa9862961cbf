using System.Security.Cryptography;
using System.Text;
using Federation.Idp.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Federation.Idp.Identity;

/// <summary>
/// RFC 6238 codes of an account's authenticator (HMAC-SHA1, 6 digits, 30 s, what the apps use),
/// each accepted once: the account remembers the last accepted time step and refuses any code of
/// that step or an earlier one (RFC 6238 5.2), in the database, so the same code cannot be used
/// again on another replica either. One step of clock drift either way is tolerated.
/// </summary>
public sealed class AuthenticatorCodes(UserManager<IdpUser> users, IdpDbContext db, TimeProvider time)
{
    public const int Window = 1;
    private static readonly long StepSeconds = 30;

    public async Task<bool> AcceptAsync(IdpUser user, string? code)
    {
        code = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (code.Length != 6 || !code.All(char.IsAsciiDigit) || await users.GetAuthenticatorKeyAsync(user) is not { Length: > 0 } key)
        {
            return false;
        }
        var secret = Base32(key);
        var now = time.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        long? matched = null;
        for (var step = now - Window; step <= now + Window; step++)
        {
            // Every step is computed and compared in constant time: which one matched does not show.
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(secret, step)), Encoding.ASCII.GetBytes(code)))
            {
                matched = step;
            }
        }
        if (matched is not { } accepted)
        {
            return false;
        }
        // One conditional update: of two requests with the same code (on any replica) only one wins.
        var won = await db.Users
            .Where(u => u.Id == user.Id && (u.LastTotpTimeStep == null || u.LastTotpTimeStep < accepted))
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LastTotpTimeStep, accepted));
        if (won == 1)
        {
            user.LastTotpTimeStep = accepted; // a later UpdateAsync of this entity must not write the old step back
        }
        return won == 1;
    }

    private static string Code(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238's algorithm, what authenticator apps use
        var hash = HMACSHA1.HashData(secret, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>(text.Length * 5 / 8);
        int bits = 0, value = 0;
        foreach (var c in text.TrimEnd('=').ToUpperInvariant())
        {
            var index = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (index < 0)
            {
                continue; // spaces in a hand-typed key
            }
            value = (value << 5) | index;
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
