using System.Security.Cryptography;
using System.Text;
using Federation.Gateway.Forwarding;

namespace Federation.Gateway.Tests.Forwarding;

public sealed class IdentityHeaderSignerTests
{
    private const string Key = "signer-test-key-0123456789-0123456789";

    private static string Reference(string method, string target, KeyValuePair<string, string>[] headers) =>
        FederationHeaders.SignatureScheme + Convert.ToBase64String(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(FederationHeaders.Canonicalize(method, target, headers))));

    /// <summary>The signer keeps one HMAC context per thread: under contention each signature is still exactly the one-shot HMAC.</summary>
    [Fact]
    public async Task Signatures_made_on_many_threads_at_once_are_each_the_hmac_of_their_own_request()
    {
        var signer = new IdentityHeaderSigner(Key);
        var mismatches = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 300; i++)
            {
                KeyValuePair<string, string>[] headers =
                [
                    new(FederationHeaders.System, "system-" + worker),
                    new(FederationHeaders.Nonce, IdentityHeaderSigner.NewNonce()),
                    new("X-Federation-Roles", "larare," + i),
                ];
                var target = $"/elever/{worker}?i={i}";
                if (signer.Sign("GET", target, headers) != Reference("GET", target, headers))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        })));
        Assert.Equal(0, mismatches);
    }

    /// <summary>
    /// The headers are read while the canonical bytes are built: a sequence that signs something
    /// else on the same thread meanwhile must not leave its bytes in this request's signature.
    /// </summary>
    [Fact]
    public void A_signature_made_while_the_headers_are_read_does_not_change_this_one()
    {
        var signer = new IdentityHeaderSigner(Key);
        KeyValuePair<string, string>[] headers = [new(FederationHeaders.System, "a"), new("X-Federation-Roles", "larare")];

        var signed = signer.Sign("GET", "/a", Reading(headers, () => signer.Sign("POST", "/b", [new(FederationHeaders.System, "b")])));

        Assert.Equal(Reference("GET", "/a", headers), signed);
    }

    private static IEnumerable<KeyValuePair<string, string>> Reading(KeyValuePair<string, string>[] headers, Action meanwhile)
    {
        foreach (var header in headers)
        {
            meanwhile();
            yield return header;
        }
    }

    [Fact]
    public void A_nonce_is_128_random_bits_in_base64url()
    {
        var nonces = Enumerable.Range(0, 100).Select(_ => IdentityHeaderSigner.NewNonce()).ToList();
        Assert.All(nonces, n => Assert.Matches("^[A-Za-z0-9_-]{22}$", n));
        Assert.Equal(nonces.Count, nonces.Distinct().Count());
    }

    [Theory]
    [InlineData("X-Federation-Given-Name", "x-federation-given-name")]
    [InlineData("x_federation_roles", "x-federation-roles")]
    [InlineData("x-federation-acr", "x-federation-acr")]
    public void Header_names_have_one_spelling(string name, string normalized)
    {
        Assert.Equal(normalized, FederationHeaders.Normalize(name));
    }
}
