using System.Net;
using System.Net.Http.Json;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Routing;

public sealed class RoutingTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    private string Teacher() => rig.Issuer.Mint("anna.larare", roles: ["larare"], schoolUnits: [DemoFeed.Bjorkskolan]);

    [Fact]
    public async Task Routes_a_system_on_its_public_path_with_the_prefix_removed()
    {
        using var client = rig.Client(Teacher());

        var response = await client.GetAsync("/echo/elever/42?visa=alla");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>())!;
        Assert.Equal("/elever/42", echo.Path);
        Assert.Equal("?visa=alla", echo.Query);
        Assert.Equal("/echo", echo.Prefix);
    }

    [Fact]
    public async Task The_gateways_own_answers_do_not_name_its_server_software()
    {
        using var client = rig.Client();

        var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.Server);
    }

    [Fact]
    public async Task The_bare_public_path_reaches_the_backend_root()
    {
        using var client = rig.Client(Teacher());

        var echo = await client.GetFromJsonAsync<EchoResponse>("/echo");

        Assert.Equal("/", echo!.Path);
    }

    [Fact]
    public async Task Spreads_requests_over_every_upstream_of_a_system()
    {
        using var client = rig.Client(Teacher());
        var seen = new HashSet<string>();

        for (var i = 0; i < 10; i++)
        {
            seen.Add((await client.GetFromJsonAsync<EchoResponse>("/pair/"))!.Backend);
        }

        Assert.Equal(["A", "B"], seen.Order());
    }

    [Fact]
    public async Task A_path_no_system_claims_is_404()
    {
        using var client = rig.Client(Teacher());

        var response = await client.GetAsync("/finns-inte/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_token_an_api_caller_gets_401_with_a_bearer_challenge()
    {
        using var client = rig.Client();
        var before = rig.BackendA.Requests;

        var response = await client.GetAsync("/echo/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(before, rig.BackendA.Requests);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_not_accepted()
    {
        await using var stranger = await TestTokenIssuer.StartAsync();
        using var client = rig.Client(stranger.Mint("anna.larare", roles: ["larare"]));

        var response = await client.GetAsync("/echo/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_id_token_presented_as_an_access_token_is_not_accepted()
    {
        using var client = rig.Client(rig.Issuer.Mint("anna.larare", roles: ["larare"], type: "JWT"));

        var response = await client.GetAsync("/echo/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_person_who_is_not_signed_in_is_sent_to_the_idp_with_pkce()
    {
        using var client = rig.Client(browser: true);

        var response = await client.GetAsync("/echo/sida?x=1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(rig.Issuer.Issuer + "connect/authorize", location.ToString());
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("federation-gateway", query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.Null(query["acr_values"]);
    }

    [Fact]
    public async Task Oversized_request_headers_are_refused_by_kestrel()
    {
        using var client = rig.Client(Teacher());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/");
        request.Headers.Add("X-Stor", new string('x', 40_000));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }
}
