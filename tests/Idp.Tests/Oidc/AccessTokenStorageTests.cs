using System.Net;
using Federation.Idp.Infrastructure;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Idp.Tests.Oidc;

/// <summary>An idp that keeps a row per access token (<c>Idp:StoreAccessTokens</c>).</summary>
public sealed class StoredAccessTokenIdpHost : IdpHost
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new("Idp:StoreAccessTokens", "true")];
}

/// <summary>With storage chosen, each access token has a row and can be revoked one by one.</summary>
public sealed class AccessTokenStorageTests(StoredAccessTokenIdpHost idp) : IClassFixture<StoredAccessTokenIdpHost>
{
    [Fact]
    public async Task A_stored_access_token_has_a_row_that_revocation_marks_revoked()
    {
        using var rp = new RelyingParty(idp, TestSystems.BatchId, TestSystems.BatchSecret, TestSystems.Redirect);
        var tokens = await rp.ClientCredentialsAsync("federation.feed");
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        var jwt = await rp.ValidateAsync(tokens.AccessToken!, "federation-inventory", expectedType: "at+jwt");
        // OpenIddict names the token's row in its private oi_tkn_id claim.
        var id = jwt.GetClaim("oi_tkn_id").Value;

        Assert.Equal(Statuses.Valid, await StatusAsync(id));

        using var http = new HttpClient { BaseAddress = idp.BaseAddress };
        using var revoke = await http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = tokens.AccessToken!,
            ["token_type_hint"] = "access_token",
            ["client_id"] = TestSystems.BatchId,
            ["client_secret"] = TestSystems.BatchSecret,
        }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(Statuses.Revoked, await StatusAsync(id));
    }

    private async Task<string?> StatusAsync(string id)
    {
        using var scope = idp.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        return await db.Set<OpenIddictEntityFrameworkCoreToken>()
            .Where(t => t.Id == id && t.Type == TokenTypeIdentifiers.AccessToken)
            .Select(t => t.Status).SingleOrDefaultAsync();
    }
}
