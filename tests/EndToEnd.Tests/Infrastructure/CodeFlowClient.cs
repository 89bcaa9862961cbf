using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Federation.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A public client doing authorization code + PKCE (S256) over plain HTTP: it follows the idp's
/// redirects, submits the login form like a browser without JavaScript, and takes the code from
/// the redirect to its redirect URI (nothing needs to listen there).
/// </summary>
public sealed class CodeFlowClient(Uri idp, string clientId, string redirectUri)
{
    public async Task<string> GetAccessTokenAsync(string userName, string scope, string password = LoginForm.DemoPassword)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));

        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = idp, Timeout = TimeSpan.FromSeconds(30) };

        var authorize = QueryHelpers.AddQueryString("connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });
        var location = new Uri(idp, authorize);
        var submitted = false;
        for (var hop = 0; hop < 10; hop++)
        {
            if (location.AbsoluteUri.StartsWith(redirectUri, StringComparison.Ordinal))
            {
                var query = QueryHelpers.ParseQuery(location.Query);
                Assert.Equal(state, query["state"].ToString());
                Assert.True(query.ContainsKey("code"), "no code in " + location);
                return await RedeemAsync(http, query["code"].ToString(), verifier);
            }
            using var response = await http.GetAsync(location);
            if (response.StatusCode == HttpStatusCode.OK && !submitted)
            {
                using var post = await new LoginForm(userName, password).SubmitAsync(http, location, await response.Content.ReadAsStringAsync());
                Assert.True(post.StatusCode == HttpStatusCode.Redirect, $"login answered {(int)post.StatusCode}: {await post.Content.ReadAsStringAsync()}");
                submitted = true;
                location = new Uri(location, post.Headers.Location!);
                continue;
            }
            Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found,
                $"{location} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            location = new Uri(location, response.Headers.Location!);
        }
        throw new InvalidOperationException("Too many redirects, last at " + location);
    }

    private async Task<string> RedeemAsync(HttpClient http, string code, string verifier)
    {
        using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = clientId,
            ["code_verifier"] = verifier,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, "token endpoint: " + body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    private static string Base64Url(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);
}
