using System.Globalization;
using Federation.Gateway.Forwarding;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Gateway.Tests.Forwarding;

public sealed class IdentityHeaderVerifierTests
{
    private const string Key = "a-backend-key-that-is-long-enough-0123456789";
    private const string Target = "/elever?klass=7b&sida=2";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static HeaderDictionary Signed(DateTimeOffset at, string key = Key, string method = "GET", string target = Target,
        string system = "procapita", params (string Name, string Value)[] attributes)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new(FederationHeaders.System, system),
            new(FederationHeaders.Timestamp, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new(FederationHeaders.Nonce, IdentityHeaderSigner.NewNonce()),
        };
        headers.AddRange(attributes.Select(a => new KeyValuePair<string, string>(a.Name, a.Value)));
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }
        dictionary[FederationHeaders.Signature] = new IdentityHeaderSigner(key).Sign(method, target, headers);
        return dictionary;
    }

    private static IdentityHeaderVerifier Verifier(FakeTimeProvider? time = null) =>
        new(Key, "procapita", time ?? new FakeTimeProvider(Now), TimeSpan.FromSeconds(60));

    /// <summary>
    /// The signed string and its HMAC written out, computed outside .NET: a backend in another
    /// language can check its implementation against these bytes.
    /// </summary>
    [Fact]
    public void Known_answer_vector()
    {
        var headers = new HeaderDictionary
        {
            ["X-Federation-System"] = "procapita",
            ["X-Federation-Timestamp"] = "1795514400",
            ["X-Federation-Nonce"] = "q1w2e3r4t5y6u7i8o9p0aa",
            ["X-Federation-Roles"] = "larare,rektor",
            ["X-Federation-Given-Name"] = "%C3%85sa",
            ["X-Federation-Signature"] = "hmac-sha256=M1FPkIwUhib9pqWuq/AsFt2TV49TW01D4wWSV82X51Q=",
        };
        const string canonical = "federation-headers-v2\nGET\n/elever?klass=7b&sida=2\n"
            + "x-federation-given-name:%C3%85sa\nx-federation-nonce:q1w2e3r4t5y6u7i8o9p0aa\n"
            + "x-federation-roles:larare,rektor\nx-federation-system:procapita\nx-federation-timestamp:1795514400\n";

        Assert.Equal(canonical, FederationHeaders.Canonicalize("get", Target, headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()))));
        Assert.Equal(headers["X-Federation-Signature"].ToString(),
            new IdentityHeaderSigner(Key).Sign("GET", Target, headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()))));
        var identity = Verifier().Verify("GET", Target, headers);
        Assert.True(identity.IsValid, identity.Failure);
        Assert.Equal(["Åsa"], identity.Attributes["given_name"]);
    }

    [Fact]
    public void Accepts_fresh_headers_signed_with_its_key_and_decodes_them()
    {
        var headers = Signed(Now, attributes: [("X-Federation-Given-Name", FederationHeaders.EncodeValues(["Åsa"])),
            ("X-Federation-Roles", FederationHeaders.EncodeValues(["larare", "rektor"]))]);

        var identity = Verifier().Verify("GET", Target, headers);

        Assert.True(identity.IsValid, identity.Failure);
        Assert.Equal("procapita", identity.System);
        Assert.Equal(["Åsa"], identity.Attributes["given_name"]);
        Assert.Equal(["larare", "rektor"], identity.Attributes["roles"]);
    }

    [Fact]
    public void Rejects_a_changed_header()
    {
        var headers = Signed(Now, attributes: [("X-Federation-Roles", "elev")]);
        headers["X-Federation-Roles"] = "rektor";

        Assert.False(Verifier().Verify("GET", Target, headers).IsValid);
    }

    [Fact]
    public void Rejects_an_added_header()
    {
        var headers = Signed(Now, attributes: [("X-Federation-Roles", "elev")]);
        headers["X-Federation-Groups"] = "register-admin";

        Assert.False(Verifier().Verify("GET", Target, headers).IsValid);
    }

    [Theory]
    [InlineData("POST", Target)]
    [InlineData("GET", "/elever?klass=7b&sida=3")]
    [InlineData("GET", "/elever")]
    [InlineData("GET", "/admin?klass=7b&sida=2")]
    public void Rejects_the_headers_on_another_method_path_or_query(string method, string target)
    {
        var identity = Verifier().Verify(method, target, Signed(Now));

        Assert.False(identity.IsValid);
        Assert.Contains("signature", identity.Failure);
    }

    [Fact]
    public void Rejects_headers_signed_for_another_system_with_the_same_key()
    {
        var identity = Verifier().Verify("GET", Target, Signed(Now, system: "schoolsoft"));

        Assert.False(identity.IsValid);
        Assert.Contains("schoolsoft", identity.Failure);
    }

    [Fact]
    public void Rejects_a_replayed_request_within_the_window()
    {
        var time = new FakeTimeProvider(Now);
        var verifier = Verifier(time);
        var headers = Signed(Now);
        Assert.True(verifier.Verify("GET", Target, headers).IsValid);

        time.Advance(TimeSpan.FromSeconds(30));
        var replay = verifier.Verify("GET", Target, headers);

        Assert.False(replay.IsValid);
        Assert.Contains("nonce", replay.Failure);
        Assert.True(verifier.Verify("GET", Target, Signed(time.GetUtcNow())).IsValid);
    }

    [Fact]
    public void Rejects_headers_without_a_nonce()
    {
        var headers = Signed(Now);
        headers.Remove(FederationHeaders.Nonce);

        Assert.False(Verifier().Verify("GET", Target, headers).IsValid);
    }

    [Fact]
    public void Rejects_a_repeated_identity_header()
    {
        var headers = Signed(Now, attributes: [("X-Federation-Roles", "elev")]);
        headers.Append("X-Federation-Roles", "rektor");

        var identity = Verifier().Verify("GET", Target, headers);

        Assert.False(identity.IsValid);
        Assert.Contains("more than once", identity.Failure);
    }

    [Fact]
    public void Rejects_the_same_header_spelled_with_underscores_next_to_the_signed_one()
    {
        var headers = Signed(Now, attributes: [("X-Federation-Roles", "elev")]);
        headers["x_federation_roles"] = "rektor";

        var identity = Verifier().Verify("GET", Target, headers);

        Assert.False(identity.IsValid);
        Assert.Contains("more than once", identity.Failure);
    }

    [Fact]
    public void Rejects_another_backends_key()
    {
        var identity = Verifier().Verify("GET", Target, Signed(Now, "another-backend-key-that-is-long-enough-012345"));

        Assert.False(identity.IsValid);
        Assert.Contains("signature", identity.Failure);
    }

    [Theory]
    [InlineData(-61)]
    [InlineData(61)]
    [InlineData(-3600)]
    public void Rejects_a_stale_or_future_timestamp(int seconds)
    {
        var identity = Verifier().Verify("GET", Target, Signed(Now.AddSeconds(seconds)));

        Assert.False(identity.IsValid);
        Assert.Contains("timestamp", identity.Failure);
    }

    [Fact]
    public void Rejects_unsigned_headers()
    {
        var headers = new HeaderDictionary { ["X-Federation-Roles"] = "rektor" };

        Assert.False(Verifier().Verify("GET", Target, headers).IsValid);
    }

    [Fact]
    public void Rejects_a_signature_that_is_not_base64()
    {
        var headers = Signed(Now);
        headers[FederationHeaders.Signature] = "hmac-sha256=@@@";

        Assert.False(Verifier().Verify("GET", Target, headers).IsValid);
    }

    [Theory]
    [InlineData("X-Federation-Roles", true)]
    [InlineData("x_federation_roles", true)]
    [InlineData("X_FEDERATION-Signature", true)]
    [InlineData("X-Federation", false)]
    [InlineData("X-Forwarded-For", false)]
    public void Every_spelling_a_server_could_read_as_ours_counts_as_ours(string name, bool expected)
    {
        Assert.Equal(expected, FederationHeaders.IsFederationHeader(name));
    }

    [Theory]
    [InlineData("given_name", "X-Federation-Given-Name")]
    [InlineData("school_units", "X-Federation-School-Units")]
    [InlineData("eppn", "X-Federation-Eppn")]
    public void Header_names_follow_the_attribute_catalog(string attribute, string header)
    {
        Assert.Equal(header, FederationHeaders.ForAttribute(attribute));
        Assert.Equal(header, Federation.Core.Attributes.AttributeCatalog.Find(attribute)!.HeaderName);
        Assert.Equal(attribute, FederationHeaders.AttributeOf(header));
    }

    [Fact]
    public void Values_with_commas_and_non_ascii_survive_the_round_trip()
    {
        string[] values = ["Öberg, Åsa", "ä/ö"];

        Assert.Equal(values, FederationHeaders.DecodeValues(FederationHeaders.EncodeValues(values)));
    }
}
