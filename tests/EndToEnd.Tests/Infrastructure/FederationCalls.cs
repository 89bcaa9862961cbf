using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Federation.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What an operator's scripts do against a running federation, written once for every stack
/// (<see cref="FederationStack"/>, the replica stack): change a system in the register, wait for
/// the idp to follow it, and get the gateway's feed token.
/// </summary>
public static class FederationCalls
{
    /// <summary>A client of the register API at <paramref name="register"/> with <paramref name="token"/>.</summary>
    public static HttpClient RegisterApi(Uri register, string token)
    {
        var http = new HttpClient { BaseAddress = register, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>GET, change, PUT with If-Match: the register's optimistic concurrency.</summary>
    public static async Task UpdateSystemAsync(Uri register, string token, string id, Action<JsonObject> change)
    {
        using var api = RegisterApi(register, token);
        using var current = await api.GetAsync($"api/systems/{id}");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        var system = (await current.Content.ReadFromJsonAsync<JsonObject>())!;
        change(system);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"api/systems/{id}") { Content = JsonContent.Create(system) };
        put.Headers.IfMatch.Add(current.Headers.ETag!);
        using var response = await api.SendAsync(put);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The idp follows the feed; once it knows the redirect URI, authorize sends the browser to the login page.</summary>
    public static async Task WaitUntilIdpAcceptsRedirectAsync(Uri idp, string clientId, string redirectUri, TimeSpan within)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = idp };
        var url = "connect/authorize?response_type=code&scope=openid&code_challenge_method=S256"
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
            + $"&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}";
        await Eventually.GetAsync(async () =>
        {
            using var response = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("login", response.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
            return true;
        }, within, $"{idp} accepts {redirectUri} for {clientId}");
    }

    /// <summary>A feed reader's token (the gateway's own client credentials in the demo).</summary>
    public static async Task<string> FeedTokenAsync(Uri idp)
    {
        using var http = new HttpClient { BaseAddress = idp };
        using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = FederationStack.GatewayClientId,
            ["client_secret"] = FederationStack.GatewaySecret,
            ["scope"] = "federation.feed",
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }
}
