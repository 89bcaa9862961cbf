using System.ComponentModel.DataAnnotations;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Federation.Core.Feed;

/// <summary>How a service gets its feed token from the idp (OAuth 2.0 client credentials).</summary>
public sealed class FeedClientCredentialsOptions
{
    public const string Section = "Feed:Credentials";

    [Required]
    public Uri? TokenEndpoint { get; set; }

    [Required]
    public string ClientId { get; set; } = "";

    [Required]
    public string ClientSecret { get; set; } = "";

    public string Scope { get; set; } = "federation.feed";
}

/// <summary>Client-credentials tokens for the feed, reused until shortly before they expire.</summary>
public sealed class ClientCredentialsFeedTokenSource(
    IHttpClientFactory httpClientFactory,
    IOptions<FeedClientCredentialsOptions> options,
    TimeProvider time) : IFeedAccessTokenSource
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset Expires)? _cached;

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } c && c.Expires - RenewBefore > time.GetUtcNow())
        {
            return c.Token;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && again.Expires - RenewBefore > time.GetUtcNow())
            {
                return again.Token;
            }
            var o = options.Value;
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = o.ClientId,
                ["client_secret"] = o.ClientSecret,
                ["scope"] = o.Scope,
            });
            var client = httpClientFactory.CreateClient(FederationFeedClient.HttpClientName);
            using var response = await client.PostAsync(o.TokenEndpoint, form, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"the idp refused the feed client '{o.ClientId}' ({(int)response.StatusCode})");
            }
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                        ?? throw new InvalidDataException("the idp sent an empty token response");
            _cached = (token.AccessToken, time.GetUtcNow().AddSeconds(Math.Max(token.ExpiresIn, 60)));
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _cached = null;

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
