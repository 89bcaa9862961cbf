using System.Net.Http.Headers;
using Federation.Idp.Clients;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Audit;

/// <summary>What the register keeps about one person's releases (its <c>SubjectReleases</c> as JSON).</summary>
/// <param name="RetentionDays">How long the register keeps them; null when no retention is registered.</param>
public sealed record RegisterReleases(string Subject, int? RetentionDays, IReadOnlyList<RegisterRelease> Releases, IReadOnlyList<ReleaseRecipient> Systems)
{
    public static readonly RegisterReleases None = new("", null, [], []);
}

/// <summary>One release: a system received these attributes at this time.</summary>
public sealed record RegisterRelease(DateTimeOffset OccurredAt, string? SystemId, string? ClientId, string Protocol, IReadOnlyList<string> Attributes,
    string? AssuranceLevel);

/// <summary>A system that received attributes, with its purposes and legal basis from the record of processing.</summary>
public sealed record ReleaseRecipient(string Id, string Name, IReadOnlyList<string> Purposes, IReadOnlyList<RegisterLegalBasis> LegalBasis);

/// <summary>A legal basis of GDPR Art. 6(1) in words.</summary>
public sealed record RegisterLegalBasis(string Letter, string Sv, string En);

/// <summary>
/// Reads one person's releases from the register, the one store of sign-in events (its retention
/// applies): with the idp's own token for scope <c>federation.signin-events.subject</c>, which the
/// register accepts from no one else. The subject is the caller's business: the page passes the
/// signed-in person's own.
/// </summary>
public sealed class PersonReleases(IHttpClientFactory http, SelfIssuedTokens tokens, IOptions<IdpOptions> options)
{
    public const string HttpClientName = "federation-person-releases";

    /// <summary>The releases, <see cref="RegisterReleases.None"/> when no register is configured; throws when the register does not answer.</summary>
    public async Task<RegisterReleases> ForAsync(string subject, CancellationToken ct)
    {
        if (options.Value.SigninEventsUrl is not { } events)
        {
            return RegisterReleases.None with { Subject = subject };
        }
        var url = new Uri(events.AbsoluteUri.TrimEnd('/') + "/subjects/" + Uri.EscapeDataString(subject));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.SubjectReleasesToken());
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<RegisterReleases>(ct)
               ?? throw new HttpRequestException("The register answered no releases.");
    }
}
