using System.Net;
using Federation.Core.Feed;
using Federation.Core.Secrets;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Idp.Tests.Oidc;

/// <summary>The register with the gateway and three of its backends, as the idp sees them.</summary>
public sealed class GatewayIdpHost : IdpHost
{
    public const string GatewayId = "federation-gateway";
    public const string GatewaySecret = "gateway-test-secret-1234";
    public const string GatewayRedirect = "http://127.0.0.1:7005/signin-oidc";

    protected override FederationFeed InitialFeed()
    {
        var anyone = new FeedAccessPolicy([], [], [], "loa2");
        var feed = TestSystems.Feed();
        return feed with
        {
            Systems =
            [
                .. feed.Systems,
                new FeedSystem("federation", "Federationen", LifecyclePhase.AnvandningOchSupport, anyone,
                    ["roles", "groups", "school_units", "acr"],
                    new FeedOidcClient(GatewayId, ClientSecretHash.Create(GatewaySecret), [GatewayRedirect], [], ["authorization_code", "refresh_token"], [])),
                new FeedSystem("procapita", "ProCapita", LifecyclePhase.AnvandningOchSupport, anyone with { Roles = ["skolsekreterare", "rektor"] },
                    ["name", "personnummer", "roles", "school_units", "eppn"],
                    Backend: new FeedBackend("/procapita", ["http://127.0.0.1:7400"], "/health")),
                new FeedSystem("forskoleportalen", "Förskoleportalen", LifecyclePhase.AnvandningOchSupport, anyone with { Roles = ["vardnadshavare", "larare", "rektor"] },
                    ["name", "email", "roles", "school_units"],
                    Backend: new FeedBackend("/forskoleportalen", ["http://127.0.0.1:7402"], "/health")),
                new FeedSystem("elevapi", "Elev-API", LifecyclePhase.AnvandningOchSupport, anyone,
                    ["given_name"],
                    Backend: new FeedBackend("/elevapi", ["http://127.0.0.1:7403"], "/health", IdentityForwarding.Token, "elev-api")),
            ],
        };
    }
}

/// <summary>
/// RFC 8693 at the idp: the gateway's own sign-in carries only its access-decision inputs; a
/// per-system token carries exactly that system's release list, only for the gateway, only for
/// the gateway's backends, only for people the system's policy lets in.
/// </summary>
public sealed class TokenExchangeTests(GatewayIdpHost idp) : IClassFixture<GatewayIdpHost>
{
    private const string RefreshTokenType = "urn:ietf:params:oauth:token-type:refresh_token";
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";

    private static readonly string[] NotTheGatewaysBusiness =
        ["personnummer", "name", "given_name", "family_name", "display_name", "email", "eppn", "affiliation"];

    /// <summary>Claims that describe the token, not the person.</summary>
    private static readonly HashSet<string> ProtocolClaims =
    [
        "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope", "oi_au_id", "oi_tkn_id", "oi_prst", "oi_tkn_typ",
    ];

    private static string[] PersonalClaims(JsonWebToken token) =>
        [.. token.Claims.Select(c => c.Type).Where(t => !ProtocolClaims.Contains(t)).Distinct().Order(StringComparer.Ordinal)];

    private RelyingParty Gateway() => new(idp, GatewayIdpHost.GatewayId, GatewayIdpHost.GatewaySecret, GatewayIdpHost.GatewayRedirect);

    private static async Task<TokenResponse> SignInAsync(RelyingParty rp, string user, string scope = "openid profile email roles offline_access")
    {
        var (verifier, challenge) = RelyingParty.Pkce();
        var code = RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, scope), user))["code"];
        var tokens = await rp.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        return tokens;
    }

    private static Task<TokenResponse> ExchangeAsync(RelyingParty rp, string subjectToken, string audience, string subjectType = RefreshTokenType) =>
        rp.TokenAsync(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = subjectToken,
            ["subject_token_type"] = subjectType,
            ["audience"] = audience,
        });

    private static void AssertRefused(TokenResponse response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Null(response.AccessToken);
        Assert.NotNull(response.Error);
    }

    [Fact]
    public async Task The_gateways_own_tokens_carry_no_personnummer_and_no_names()
    {
        using var gateway = Gateway();

        var tokens = await SignInAsync(gateway, "rolf.rektor");

        foreach (var jwt in new[] { tokens.IdToken!, tokens.AccessToken! })
        {
            var claims = new JsonWebToken(jwt).Claims.Select(c => c.Type).ToHashSet();
            Assert.Empty(claims.Intersect(NotTheGatewaysBusiness));
            Assert.DoesNotContain(claims, c => c.StartsWith("fed_", StringComparison.Ordinal));
            Assert.Contains("roles", claims);
        }
        var (_, userinfo) = await gateway.UserInfoAsync(tokens.AccessToken!);
        Assert.Empty(userinfo.EnumerateObject().Select(p => p.Name).Intersect(NotTheGatewaysBusiness));
        Assert.DoesNotContain("197005112396", userinfo.GetRawText());
    }

    [Fact]
    public async Task ProCapita_gets_personnummer_and_a_system_without_it_on_its_release_list_does_not()
    {
        using var gateway = Gateway();
        var session = await SignInAsync(gateway, "rolf.rektor");

        var procapita = await ExchangeAsync(gateway, session.RefreshToken!, "procapita");
        var portal = await ExchangeAsync(gateway, session.RefreshToken!, "forskoleportalen");

        Assert.Equal(HttpStatusCode.OK, procapita.Status);
        Assert.Equal(HttpStatusCode.OK, portal.Status);
        Assert.Null(procapita.RefreshToken);
        Assert.Null(procapita.IdToken);
        var forProCapita = await gateway.ValidateAsync(procapita.AccessToken!, "procapita", "at+jwt");
        Assert.Equal("197005112396", forProCapita.GetClaim("personnummer").Value);
        Assert.Equal("Rolf Rektor", forProCapita.GetClaim("name").Value);
        Assert.Equal(["eppn", "name", "personnummer", "roles", "school_units"], PersonalClaims(forProCapita));
        var forPortal = await gateway.ValidateAsync(portal.AccessToken!, "forskoleportalen", "at+jwt");
        Assert.False(forPortal.TryGetClaim("personnummer", out _));
        Assert.Equal("rolf.rektor@skola.example.se", forPortal.GetClaim("email").Value);
        Assert.Equal(forProCapita.Subject, forPortal.Subject);
    }

    [Fact]
    public async Task A_token_forwarding_backend_gets_a_token_for_its_own_audience()
    {
        using var gateway = Gateway();
        var session = await SignInAsync(gateway, "anna.larare");

        var exchanged = await ExchangeAsync(gateway, session.RefreshToken!, "elevapi");

        Assert.Equal(HttpStatusCode.OK, exchanged.Status);
        var token = await gateway.ValidateAsync(exchanged.AccessToken!, "elev-api", "at+jwt");
        Assert.Equal("Anna", token.GetClaim("given_name").Value);
        Assert.False(token.TryGetClaim("personnummer", out _));
    }

    [Fact]
    public async Task A_person_the_systems_policy_refuses_gets_no_token_for_it()
    {
        using var gateway = Gateway();
        var session = await SignInAsync(gateway, "anna.larare");

        AssertRefused(await ExchangeAsync(gateway, session.RefreshToken!, "procapita"));
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(gateway, session.RefreshToken!, "forskoleportalen")).Status);
    }

    [Fact]
    public async Task Only_gateway_backends_are_audiences()
    {
        using var gateway = Gateway();
        var session = await SignInAsync(gateway, "rolf.rektor");

        AssertRefused(await ExchangeAsync(gateway, session.RefreshToken!, TestSystems.PortalId));
        AssertRefused(await ExchangeAsync(gateway, session.RefreshToken!, "skolportalen"));
        AssertRefused(await ExchangeAsync(gateway, session.RefreshToken!, "no-such-system"));
        AssertRefused(await gateway.TokenAsync(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = session.RefreshToken!,
            ["subject_token_type"] = RefreshTokenType,
        }));
    }

    [Fact]
    public async Task A_client_other_than_the_gateway_cannot_exchange_its_own_or_the_gateways_token()
    {
        using var gateway = Gateway();
        using var portal = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        var gatewaySession = await SignInAsync(gateway, "rolf.rektor");
        var portalSession = await SignInAsync(portal, "rolf.rektor");

        AssertRefused(await ExchangeAsync(portal, portalSession.RefreshToken!, "procapita"));
        AssertRefused(await ExchangeAsync(portal, gatewaySession.RefreshToken!, "procapita"));
        AssertRefused(await ExchangeAsync(portal, gatewaySession.AccessToken!, "procapita", AccessTokenType));
    }

    [Fact]
    public async Task A_token_obtained_for_one_system_is_no_subject_for_anyone()
    {
        using var gateway = Gateway();
        using var portal = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);
        var session = await SignInAsync(gateway, "rolf.rektor");
        var forPortal = (await ExchangeAsync(gateway, session.RefreshToken!, "forskoleportalen")).AccessToken!;

        AssertRefused(await ExchangeAsync(gateway, forPortal, "procapita", AccessTokenType));
        AssertRefused(await ExchangeAsync(gateway, forPortal, "procapita", RefreshTokenType));
        AssertRefused(await ExchangeAsync(portal, forPortal, "procapita", AccessTokenType));
        AssertRefused(await ExchangeAsync(gateway, session.AccessToken!, "procapita", AccessTokenType));
    }

    [Fact]
    public async Task Refreshing_the_gateways_session_keeps_the_person_out_of_its_tokens_and_exchange_keeps_working()
    {
        using var gateway = Gateway();
        var session = await SignInAsync(gateway, "rolf.rektor");

        var refreshed = await gateway.RefreshAsync(session.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        foreach (var jwt in new[] { refreshed.IdToken!, refreshed.AccessToken! })
        {
            var claims = new JsonWebToken(jwt).Claims.Select(c => c.Type).ToList();
            Assert.Empty(claims.Intersect(NotTheGatewaysBusiness));
            Assert.DoesNotContain(claims, c => c.StartsWith("fed_", StringComparison.Ordinal));
        }
        var exchanged = await ExchangeAsync(gateway, refreshed.RefreshToken!, "procapita");
        Assert.Equal("197005112396", new JsonWebToken(exchanged.AccessToken!).GetClaim("personnummer").Value);
        // Exchanging does not redeem the refresh token: the session can exchange again.
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(gateway, refreshed.RefreshToken!, "procapita")).Status);
    }
}
