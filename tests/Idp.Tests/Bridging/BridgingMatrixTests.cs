using Federation.Core.Attributes;
using Federation.Idp.Saml;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Idp.Tests.Bridging;

/// <summary>
/// The bridging matrix, end to end on loopback: {local account, upstream SAML IdP, upstream OpenID
/// Provider} × {downstream SAML SP, downstream OIDC client}. Each downstream must receive exactly
/// its release list from the feed, whatever the upstream released to us.
/// </summary>
[Collection(BridgingCollection.Name)]
public sealed class BridgingMatrixTests(BridgingHosts hosts)
{
    /// <summary>Claims that describe the token, not the person.</summary>
    private static readonly HashSet<string> ProtocolClaims =
    [
        "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "nonce", "at_hash", "c_hash", "azp", "auth_time",
        "client_id", "scope", "oi_au_id", "oi_tkn_id", "oi_prst", "oi_tkn_typ",
    ];

    /// <summary>Anna as every path knows her (the upstream is a copy of our idp with the same demo users).</summary>
    private static readonly Dictionary<string, string[]> Anna = new(StringComparer.Ordinal)
    {
        ["given_name"] = ["Anna"],
        ["family_name"] = ["Lärare"],
        ["email"] = ["anna.larare@skola.example.se"],
        ["eppn"] = ["anna.larare@skola.example.se"],
        ["roles"] = ["larare"],
        ["school_units"] = ["41526371"],
        ["acr"] = ["loa2"],
    };

    public static TheoryData<string> Upstreams => [BridgeBrowser.Local, BridgingHosts.SamlUpstream, BridgingHosts.OidcUpstream];

    [Theory]
    [MemberData(nameof(Upstreams))]
    public async Task Downstream_OIDC_client_gets_exactly_its_release_list(string upstream)
    {
        using var browser = new BridgeBrowser(hosts, upstream);

        var id = await browser.OidcSignInAsync();

        // SAML has no attribute for roles (AttributeCatalog), so a person who came by SAML has none to release.
        var expected = BridgingHosts.PortalRelease.Where(a => upstream != BridgingHosts.SamlUpstream || a != "roles").Order().ToList();
        Assert.Equal(expected, PersonalClaims(id).Keys.Order().ToList());
        foreach (var (claim, values) in PersonalClaims(id))
        {
            Assert.Equal(Anna[claim], values);
        }
        Assert.False(string.IsNullOrEmpty(id.Subject));
        Assert.DoesNotContain("anna", id.Subject, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Upstreams))]
    public async Task Downstream_SAML_SP_gets_exactly_its_release_list(string upstream)
    {
        using var browser = new BridgeBrowser(hosts, upstream);

        var assertion = await browser.SamlSignInAsync();

        var expected = BridgingHosts.SpRelease.Select(a => AttributeCatalog.Find(a)!.SamlName!).Order().ToList();
        Assert.Equal(expected, assertion.Attributes.Keys.Order().ToList());
        foreach (var attribute in BridgingHosts.SpRelease)
        {
            Assert.Equal(Anna[attribute], assertion.Attributes[AttributeCatalog.Find(attribute)!.SamlName!]);
        }
        Assert.Equal(SamlNames.NameIdPersistent, assertion.NameIdFormat);
        Assert.Equal(SamlNames.Loa2, assertion.AuthnContextClassRef);
        Assert.Equal("/after", assertion.ReturnUrl);
    }

    [Theory]
    [MemberData(nameof(Upstreams))]
    public async Task One_sign_in_serves_both_protocols_in_either_order_and_sign_out_ends_both(string upstream)
    {
        using var oidcFirst = new BridgeBrowser(hosts, upstream);
        var id = await oidcFirst.OidcSignInAsync();
        var loginsAfterOidc = oidcFirst.LoginPagesSeen.Count;
        var assertion = await oidcFirst.SamlSignInAsync();
        Assert.Equal(loginsAfterOidc, oidcFirst.LoginPagesSeen.Count); // the SAML SP was answered without a login page

        using var samlFirst = new BridgeBrowser(hosts, upstream);
        var second = await samlFirst.SamlSignInAsync();
        var loginsAfterSaml = samlFirst.LoginPagesSeen.Count;
        var secondId = await samlFirst.OidcSignInAsync();
        Assert.Equal(loginsAfterSaml, samlFirst.LoginPagesSeen.Count);

        // One internal identity, stable across sign-ins: the same subject and the same pairwise NameID.
        Assert.Equal(id.Subject, secondId.Subject);
        Assert.Equal(assertion.NameId, second.NameId);
        Assert.NotEqual(id.Subject, assertion.NameId); // pairwise per SP, not the internal subject

        // Session end is one sign-out for both protocols.
        await samlFirst.SignOutAsync();
        var before = samlFirst.LoginPagesSeen.Count;
        await samlFirst.SamlSignInAsync();
        Assert.Equal(before + 1, samlFirst.LoginPagesSeen.Count);
        await samlFirst.SignOutAsync();
        await samlFirst.OidcSignInAsync();
        Assert.Equal(before + 2, samlFirst.LoginPagesSeen.Count);
    }

    [Fact]
    public async Task Each_upstream_links_its_own_stable_local_account()
    {
        var subjects = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var upstream in new[] { BridgeBrowser.Local, BridgingHosts.SamlUpstream, BridgingHosts.OidcUpstream })
        {
            using var browser = new BridgeBrowser(hosts, upstream);
            subjects[upstream] = (await browser.OidcSignInAsync()).Subject;
        }
        Assert.Equal(3, subjects.Values.Distinct(StringComparer.Ordinal).Count());
        // The upstream's own subject is never ours.
        using var atUpstream = new Infrastructure.RelyingParty(hosts.Upstream, BridgingHosts.BridgeClientId, BridgingHosts.BridgeClientSecret,
            new Uri(hosts.Idp.BaseAddress, $"signin-oidc/{BridgingHosts.OidcUpstream}").AbsoluteUri);
        var (verifier, challenge) = Infrastructure.RelyingParty.Pkce();
        var code = Infrastructure.RelyingParty.Query(await atUpstream.AuthorizeAsync(atUpstream.AuthorizeUrl(challenge)))["code"];
        var upstreamId = new JsonWebToken((await atUpstream.RedeemAsync(code, verifier)).IdToken);
        Assert.DoesNotContain(upstreamId.Subject, subjects.Values);
    }

    private static Dictionary<string, string[]> PersonalClaims(JsonWebToken token) =>
        token.Claims.Where(c => !ProtocolClaims.Contains(c.Type))
            .GroupBy(c => c.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Value).ToArray(), StringComparer.Ordinal);
}
