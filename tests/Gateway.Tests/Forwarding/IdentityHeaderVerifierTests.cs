using Federation.Gateway.Forwarding;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Gateway.Tests.Forwarding;

public sealed class IdentityHeaderVerifierTests
{
    private const string Key = "a-backend-key-that-is-long-enough-0123456789";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static HeaderDictionary Signed(DateTimeOffset at, string key = Key, params (string Name, string Value)[] attributes)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new(FederationHeaders.System, "procapita"),
            new(FederationHeaders.Timestamp, at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        headers.AddRange(attributes.Select(a => new KeyValuePair<string, string>(a.Name, a.Value)));
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }
        dictionary[FederationHeaders.Signature] = new IdentityHeaderSigner(key).Sign(headers);
        return dictionary;
    }

    private static IdentityHeaderVerifier Verifier() => new(Key, new FakeTimeProvider(Now), TimeSpan.FromSeconds(60));

    [Fact]
    public void Accepts_fresh_headers_signed_with_its_key_and_decodes_them()
    {
        var headers = Signed(Now, Key, ("X-Federation-Given-Name", FederationHeaders.EncodeValues(["Åsa"])),
            ("X-Federation-Roles", FederationHeaders.EncodeValues(["larare", "rektor"])));

        var identity = Verifier().Verify(headers);

        Assert.True(identity.IsValid, identity.Failure);
        Assert.Equal("procapita", identity.System);
        Assert.Equal(["Åsa"], identity.Attributes["given_name"]);
        Assert.Equal(["larare", "rektor"], identity.Attributes["roles"]);
    }

    [Fact]
    public void Rejects_a_changed_header()
    {
        var headers = Signed(Now, Key, ("X-Federation-Roles", "elev"));
        headers["X-Federation-Roles"] = "rektor";

        Assert.False(Verifier().Verify(headers).IsValid);
    }

    [Fact]
    public void Rejects_an_added_header()
    {
        var headers = Signed(Now, Key, ("X-Federation-Roles", "elev"));
        headers["X-Federation-Groups"] = "register-admin";

        Assert.False(Verifier().Verify(headers).IsValid);
    }

    [Fact]
    public void Rejects_another_backends_key()
    {
        var headers = Signed(Now, "another-backend-key-that-is-long-enough-012345");

        var identity = Verifier().Verify(headers);

        Assert.False(identity.IsValid);
        Assert.Contains("signature", identity.Failure);
    }

    [Theory]
    [InlineData(-61)]
    [InlineData(61)]
    [InlineData(-3600)]
    public void Rejects_a_stale_or_future_timestamp(int seconds)
    {
        var identity = Verifier().Verify(Signed(Now.AddSeconds(seconds)));

        Assert.False(identity.IsValid);
        Assert.Contains("timestamp", identity.Failure);
    }

    [Fact]
    public void Rejects_unsigned_headers()
    {
        var headers = new HeaderDictionary { ["X-Federation-Roles"] = "rektor" };

        Assert.False(Verifier().Verify(headers).IsValid);
    }

    [Fact]
    public void Rejects_a_signature_that_is_not_base64()
    {
        var headers = Signed(Now);
        headers[FederationHeaders.Signature] = "hmac-sha256=@@@";

        Assert.False(Verifier().Verify(headers).IsValid);
    }

    [Theory]
    [InlineData("given_name", "X-Federation-Given-Name")]
    [InlineData("school_units", "X-Federation-School-Units")]
    [InlineData("eppn", "X-Federation-Eppn")]
    public void Header_names_follow_the_attribute_catalog(string attribute, string header)
    {
        Assert.Equal(header, FederationHeaders.ForAttribute(attribute));
        Assert.Equal(attribute, FederationHeaders.AttributeOf(header));
    }

    [Fact]
    public void Values_with_commas_and_non_ascii_survive_the_round_trip()
    {
        string[] values = ["Öberg, Åsa", "ä/ö"];

        Assert.Equal(values, FederationHeaders.DecodeValues(FederationHeaders.EncodeValues(values)));
    }
}
