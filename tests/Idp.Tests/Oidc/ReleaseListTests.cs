using System.Net;
using System.Text.Json;
using Federation.Core.Attributes;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Idp.Tests.Oidc;

/// <summary>A client receives its release list and nothing else, in every token and in userinfo, whatever it asks for.</summary>
public sealed class ReleaseListTests(IdpHost idp) : IClassFixture<IdpHost>
{
    private const string EveryScope = "openid profile email roles phone address offline_access";

    /// <summary>Claims that describe the token, not the person.</summary>
    private static readonly HashSet<string> ProtocolClaims =
    [
        "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "nonce", "at_hash", "c_hash", "azp", "auth_time",
        "client_id", "scope", "oi_au_id", "oi_tkn_id", "oi_prst", "oi_tkn_typ",
    ];

    private async Task<TokenResponse> SignInAsync(RelyingParty rp, string scope = EveryScope)
    {
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, scope)))["code"];
        var tokens = await rp.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        return tokens;
    }

    private static void AssertOnly(IEnumerable<string> claimTypes, params string[] released)
    {
        var personal = claimTypes.Where(t => !ProtocolClaims.Contains(t)).ToHashSet();
        Assert.Equal(released.Append("sub").Where(r => r != "sub").Order(), personal.Where(p => p != "sub").Order());
    }

    [Fact]
    public async Task Asking_for_every_scope_gives_only_the_release_list_in_id_token_access_token_and_userinfo()
    {
        using var rp = new RelyingParty(idp, TestSystems.MinimalId, TestSystems.MinimalSecret, TestSystems.Redirect);

        var tokens = await SignInAsync(rp);

        var id = new JsonWebToken(tokens.IdToken);
        var access = new JsonWebToken(tokens.AccessToken);
        AssertOnly(id.Claims.Select(c => c.Type), "given_name");
        AssertOnly(access.Claims.Select(c => c.Type), "given_name");
        Assert.Equal("Anna", id.GetClaim("given_name").Value);
        var (status, userinfo) = await rp.UserInfoAsync(tokens.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["given_name", "sub"], userinfo.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(id.Subject, userinfo.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_broad_release_list_gives_names_roles_school_units_and_assurance_as_registered()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);

        var tokens = await SignInAsync(rp);

        var release = TestSystems.Feed().FindByClientId(TestSystems.PortalId)!.Release.ToArray();
        var id = new JsonWebToken(tokens.IdToken);
        AssertOnly(id.Claims.Select(c => c.Type), release);
        AssertOnly(new JsonWebToken(tokens.AccessToken).Claims.Select(c => c.Type), release);
        Assert.Equal("loa2", id.GetClaim("acr").Value);
        Assert.Equal("Anna Lärare", id.GetClaim("name").Value);
        var (_, userinfo) = await rp.UserInfoAsync(tokens.AccessToken!);
        Assert.Equal(JsonValueKind.Array, userinfo.GetProperty("roles").ValueKind);
        Assert.Equal("larare", userinfo.GetProperty("roles")[0].GetString());
        Assert.Equal("41526371", userinfo.GetProperty("school_units")[0].GetString());
        Assert.Equal("anna.larare@skola.example.se", userinfo.GetProperty("email").GetString());
        Assert.Equal(release.Append("sub").Order(), userinfo.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Several_values_are_a_json_array_in_the_access_token()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        await idp.PublishAsync(systems => systems.Select(s => s.OidcClient?.ClientId == TestSystems.PortalId
            ? s with { Release = [.. s.Release, "affiliation"] }
            : s));
        try
        {
            var tokens = await SignInAsync(rp, "openid");

            var payload = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(tokens.AccessToken!.Split('.')[1])).RootElement;
            Assert.Equal(["employee@skola.example.se", "member@skola.example.se"],
                payload.GetProperty("affiliation").EnumerateArray().Select(e => e.GetString()).Order());
            Assert.Equal("larare", payload.GetProperty("roles").GetString());
        }
        finally
        {
            await idp.PublishAsync(_ => TestSystems.Feed().Systems);
        }
    }

    [Fact]
    public async Task A_shrunk_release_list_applies_at_the_next_refresh()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        var tokens = await SignInAsync(rp);
        Assert.NotNull(new JsonWebToken(tokens.AccessToken).GetClaim("email"));

        await idp.PublishAsync(systems => systems.Select(s => s.OidcClient?.ClientId == TestSystems.PortalId
            ? s with { Release = s.Release.Where(r => r != "email").ToList() }
            : s));
        try
        {
            var refreshed = await rp.RefreshAsync(tokens.RefreshToken!);

            Assert.Equal(HttpStatusCode.OK, refreshed.Status);
            Assert.False(new JsonWebToken(refreshed.AccessToken).TryGetClaim("email", out _));
            Assert.False(new JsonWebToken(refreshed.IdToken).TryGetClaim("email", out _));
        }
        finally
        {
            await idp.PublishAsync(_ => TestSystems.Feed().Systems);
        }
    }

    [Fact]
    public void Every_attribute_of_the_catalog_has_a_value_source_in_the_identity()
    {
        var identity = new Federation.Idp.Identity.FederationIdentity
        {
            Subject = "s",
            GivenName = "g",
            FamilyName = "f",
            Email = "e",
            Eppn = "x@y",
            PersonalIdentityNumber = "p",
            Roles = ["r"],
            SchoolUnits = ["u"],
            Affiliations = ["a@y"],
            Groups = ["gr"],
            AssuranceLevel = "loa2",
            AuthenticatedAt = DateTimeOffset.UnixEpoch,
        };

        Assert.All(AttributeCatalog.All, a => Assert.NotEmpty(identity.ValuesOf(a.Name)));
        Assert.Equal(["email"], identity.Release(["email", "not-in-catalog"]).Keys);
    }
}
