using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.EndToEnd.Tests.Infrastructure;

namespace Federation.EndToEnd.Tests.Register;

/// <summary>The register administrator changes the register through its API; the gateway and the idp follow.</summary>
[Collection(FederationCollection.Name)]
public sealed class RegisterChangeTests(FederationStack stack)
{
    [Fact]
    public async Task The_administrators_token_comes_from_the_code_flow_with_the_registers_audience_and_role()
    {
        var token = await new CodeFlowClient(stack.Idp.BaseAddress, FederationStack.RegisterClientId, FederationStack.RegisterRedirectUri)
            .GetAccessTokenAsync("ulf.admin", "openid federation.register");

        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Contains("federation-inventory", jwt.Audiences);
        Assert.Contains("register-admin", jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
    }

    [Fact]
    public async Task A_teacher_gets_no_token_from_the_registers_client()
    {
        // The register's client is open to register-admin only: the idp's access decision stops her
        // at sign-in (the "no access" page, then access_denied), before the register's own role check.
        var client = new CodeFlowClient(stack.Idp.BaseAddress, FederationStack.RegisterClientId, FederationStack.RegisterRedirectUri);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => client.GetAccessTokenAsync("anna.larare", "openid federation.register"));

        Assert.Contains("/denied", refused.Message, StringComparison.Ordinal);
        Assert.Contains("answered 403", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retiring_a_system_makes_the_gateway_answer_410_and_moves_the_feed_version()
    {
        using var gateway = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = stack.Gateway.BaseAddress };
        gateway.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using (var before = await gateway.GetAsync("forskoleportalen/"))
        {
            Assert.NotEqual(HttpStatusCode.Gone, before.StatusCode);
        }
        var versionBefore = await FeedVersionAsync();

        await stack.UpdateSystemAsync("forskoleportalen", system => system["lifecycle"] = "Avvecklad");

        // A wait, not a latency assertion: promptness comes from the feed's long-poll wake-up,
        // which Inventory.Tests' FeedWakeUpTests and Core.Tests' FederationFeedClientTests check on their own.

        var gone = await Eventually.GetAsync(async () =>
        {
            using var response = await gateway.GetAsync("forskoleportalen/");
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonObject>();
        }, TimeSpan.FromSeconds(120), "the gateway answers 410 for /forskoleportalen");
        Assert.Equal("retired", gone!["reason"]!.GetValue<string>());

        Assert.NotEqual(versionBefore, await FeedVersionAsync());
    }

    [Fact]
    public async Task A_client_removed_from_the_register_stops_getting_tokens()
    {
        const string id = "e2e-rapporter";
        const string secret = "e2e-rapporter-secret-0123456789";
        using var api = stack.RegisterApi();
        // A new system shaped like the demo's LIKA, with its own client-credentials client.
        var system = (await api.GetFromJsonAsync<JsonObject>("api/systems/lika"))!;
        system["id"] = id;
        system["name"] = "E2E-rapporter";
        system["integration"] = new JsonObject
        {
            ["oidcClient"] = new JsonObject
            {
                ["clientId"] = id,
                ["clientSecret"] = secret,
                ["redirectUris"] = new JsonArray(),
                ["postLogoutRedirectUris"] = new JsonArray(),
                ["grantTypes"] = new JsonArray("client_credentials"),
                ["scopes"] = new JsonArray(),
            },
        };
        using var created = await api.PostAsJsonAsync("api/systems", system);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        await Eventually.GetAsync(async () =>
        {
            using var token = await ClientCredentialsAsync(id, secret);
            Assert.True(token.IsSuccessStatusCode, await token.Content.ReadAsStringAsync());
            return true;
        }, TimeSpan.FromSeconds(120), "the idp issues tokens to the new client");

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"api/systems/{id}");
        delete.Headers.IfMatch.Add(created.Headers.ETag!);
        using var deleted = await api.SendAsync(delete);
        Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync());

        var refusal = await Eventually.GetAsync(async () =>
        {
            using var token = await ClientCredentialsAsync(id, secret);
            Assert.False(token.IsSuccessStatusCode);
            return (await token.Content.ReadFromJsonAsync<JsonObject>())!;
        }, TimeSpan.FromSeconds(120), "the idp refuses the removed client");
        Assert.Equal("invalid_client", refusal["error"]!.GetValue<string>());
    }

    private async Task<HttpResponseMessage> ClientCredentialsAsync(string clientId, string secret)
    {
        using var http = new HttpClient { BaseAddress = stack.Idp.BaseAddress };
        return await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));
    }

    private async Task<string> FeedVersionAsync()
    {
        using var http = new HttpClient { BaseAddress = stack.Inventory.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await stack.FeedTokenAsync());
        using var response = await http.GetAsync("api/federation/feed");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.Tag;
    }
}
