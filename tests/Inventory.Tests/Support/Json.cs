using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Core.Attributes;
using Federation.Core.Feed;
using Federation.Inventory.Domain;

namespace Federation.Inventory.Tests.Support;

/// <summary>Small helpers for talking JSON to the register.</summary>
public static class Api
{
    public static JsonSerializerOptions Options => FederationFeed.JsonOptions;

    public static Task<HttpResponseMessage> PostJson<T>(this HttpClient client, string url, T body) =>
        client.PostAsJsonAsync(url, body, Options);

    public static async Task<HttpResponseMessage> PutJson<T>(this HttpClient client, string url, T body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body, options: Options) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> Delete(this HttpClient client, string url, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, url);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    public static async Task<T> Read<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Options))!;

    public static async Task<JsonObject> Problem(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>The field names of a validation problem's <c>errors</c>.</summary>
    public static IReadOnlyList<string> ErrorFields(this JsonObject problem) =>
        problem["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];

    public static string ETagOf(this HttpResponseMessage response) =>
        response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("No ETag.");
}

/// <summary>Valid systems to start from.</summary>
public static class Samples
{
    public static SystemRecord System(string id, LifecyclePhase lifecycle = LifecyclePhase.AnvandningOchSupport) => new(
        id, $"Testsystem {id} – åäö", "Ett system för test.", "Leverantör AB", "verksamhetssystem",
        "Bildningsförvaltningen", "Utvecklingsavdelningen", lifecycle,
        new Integration(OidcClient: new FeedOidcClient($"client-{id}", null, [$"https://{id}.example.se/signin-oidc"], [],
            ["authorization_code"], [])
        { ClientSecret = $"secret-{id}" }),
        new ProcessingRecord("Bildningsnämnden", "bn@kommun.example.se", null, ["Undervisning"], ["e"], ["elever", "personal"],
            [PersonalDataCategory.Identifier, PersonalDataCategory.Name, PersonalDataCategory.Contact], [], ["Leverantör AB"], [],
            "Gallras efter 1 år", 365, ["TLS"], new ProcessorAgreement("Leverantör AB", true, new DateOnly(2099, 12, 31)), true),
        new AccessPolicy(["larare"], [], [], "loa2", ["name", "email"]));
}
