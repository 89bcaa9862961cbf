using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Pages;

/// <summary>
/// The gateway's own endpoints take a bearer token only when it is issued for the gateway: a
/// token for one backend's audience opens that backend's route and nothing the gateway serves itself.
/// </summary>
public sealed class GatewayAudienceTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    private string Anna(params string[] audiences) =>
        rig.Issuer.Mint("anna.larare", roles: ["larare"], schoolUnits: [DemoFeed.Bjorkskolan], audiences: audiences);

    public static TheoryData<string, string> OwnEndpoints => new()
    {
        { "GET", "/" },
        { "GET", "/account/signin" },
        { "POST", "/account/signout" },
    };

    [Theory]
    [MemberData(nameof(OwnEndpoints))]
    public async Task A_token_for_a_backends_audience_is_refused_at_the_gateways_own_endpoints(string method, string path)
    {
        using var client = rig.Client(Anna("procapita-api"));

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("audience", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task The_same_token_still_works_at_its_own_systems_route()
    {
        using var client = rig.Client(Anna("procapita-api"));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/tokenapi/")).StatusCode);
    }

    [Fact]
    public async Task A_token_for_the_gateway_works_at_the_portal()
    {
        using var client = rig.Client(Anna("federation-gateway"));

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("inloggad med tillitsniv", await response.Content.ReadAsStringAsync()); // signed in, not the anonymous page
    }

    [Fact]
    public async Task The_portal_still_greets_someone_not_signed_in()
    {
        using var client = rig.Client(browser: true);

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/account/signin", await response.Content.ReadAsStringAsync());
    }
}
