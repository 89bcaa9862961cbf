using System.Net;
using System.Text.Json;
using Federation.Idp.Tests.Infrastructure;

namespace Federation.Idp.Tests.Keys;

public sealed class KeyPersistenceTests(IdpHost idp) : IClassFixture<IdpHost>
{
    [Fact]
    public async Task A_restart_keeps_the_keys_and_tokens_signed_before_it_still_validate()
    {
        using var before = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);
        var oldToken = await before.ClientCredentialsAsync("federation.feed");
        Assert.Equal(HttpStatusCode.OK, oldToken.Status);
        var kidsBefore = await KidsAsync();

        await idp.RestartAsync();

        using var after = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);
        Assert.Equal(kidsBefore, await KidsAsync());
        await after.ValidateAsync(oldToken.AccessToken!, "federation-inventory");
        var newToken = await after.ClientCredentialsAsync("federation.feed");
        var validated = await after.ValidateAsync(newToken.AccessToken!, "federation-inventory");
        Assert.Equal((await before.ValidateAsync(oldToken.AccessToken!, "federation-inventory")).Kid, validated.Kid);
    }

    private async Task<string[]> KidsAsync()
    {
        using var http = new HttpClient { BaseAddress = idp.BaseAddress };
        var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks")).RootElement;
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).Order()];
    }
}
