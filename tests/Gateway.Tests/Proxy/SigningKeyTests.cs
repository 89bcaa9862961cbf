using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Proxy;

/// <summary>
/// A gateway whose backend keys also come from a file the operator rewrites (a mounted secret,
/// appsettings with reload), as in production: the gateway follows it without a restart.
/// </summary>
public sealed class KeyFileGatewayRig : GatewayRig
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("gateway-keys-").FullName;

    public KeyFileGatewayRig() => WriteKeys([]);

    public string KeyFile => Path.Combine(_dir, "backend-keys.json");

    /// <summary>Replaces the key file in one step, so the gateway never reads half a file.</summary>
    public void WriteKeys(Dictionary<string, string> keys)
    {
        var backends = keys.ToDictionary(k => k.Key, k => new { SigningKey = k.Value });
        var next = Path.Combine(_dir, "backend-keys.next");
        File.WriteAllText(next, JsonSerializer.Serialize(new { Gateway = new { Backends = backends } }));
        File.Move(next, KeyFile, overwrite: true);
    }

    protected override void AddSources(IConfigurationBuilder config) => config.AddJsonFile(KeyFile, optional: false, reloadOnChange: true);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        System.IO.Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>The backend keys the gateway signs identity headers with: fail closed without one, follow a change without restart.</summary>
public sealed class SigningKeyTests(KeyFileGatewayRig rig) : IClassFixture<KeyFileGatewayRig>
{
    private const string OldKey = "the-old-key-of-the-nyckelbyte-backend-0123456789";
    private const string NewKey = "the-new-key-of-the-nyckelbyte-backend-9876543210";

    private string Token() => rig.Issuer.Mint("anna.larare", roles: ["larare"], extra: new Dictionary<string, object> { ["given_name"] = "Anna" });

    [Fact]
    public async Task A_header_backend_without_a_signing_key_is_503_not_configured_and_gets_no_request()
    {
        await using var backend = await TestBackend.StartAsync("utan-nyckel", OldKey);
        await rig.PublishAsync(feed => feed.With(DemoFeed.System("nyckellos", "/nyckellos", [backend.Address], DemoFeed.Anyone)));
        using var api = rig.Client(Token());
        using var browser = rig.Client(Token(), browser: true);

        var problem = await api.GetAsync("/nyckellos/");
        var page = await browser.GetAsync("/nyckellos/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, problem.StatusCode);
        Assert.Equal("not-configured", (await problem.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("System nyckellos är inte tillgängligt", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task A_changed_key_in_the_gateways_configuration_is_used_without_a_restart()
    {
        // The backend has already been given the new key; the gateway still signs with the old one.
        await using var backend = await TestBackend.StartAsync("nyckelbyte", NewKey);
        rig.WriteKeys(new() { ["nyckelbyte"] = OldKey });
        await rig.PublishAsync(feed => feed.With(DemoFeed.System("nyckelbyte", "/nyckelbyte", [backend.Address], DemoFeed.Anyone)));
        using var client = rig.Client(Token());
        var before = await Eventually.GetAsync(
            async () => (await client.GetFromJsonAsync<EchoResponse>("/nyckelbyte/"))!, TimeSpan.FromSeconds(30), "the old key in use");
        Assert.False(before.Verified);
        Assert.Contains("does not match", before.VerificationFailure, StringComparison.Ordinal);

        rig.WriteKeys(new() { ["nyckelbyte"] = NewKey });

        await Eventually.TrueAsync(
            async () => (await client.GetFromJsonAsync<EchoResponse>("/nyckelbyte/"))!.Verified,
            what: "the backend verifying the headers with the new key");
        var after = (await client.GetFromJsonAsync<EchoResponse>("/nyckelbyte/"))!;
        Assert.True(after.Verified, after.VerificationFailure);
        Assert.Equal(["Anna"], after.Attributes["given_name"]);
    }
}
