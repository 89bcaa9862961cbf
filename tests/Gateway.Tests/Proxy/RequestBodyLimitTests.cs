using System.Net;
using System.Net.Http.Json;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Proxy;

/// <summary>The request body limit of the gateway's shipped configuration (appsettings.json, 10 MB) at its boundary.</summary>
public sealed class RequestBodyLimitTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    private const int Limit = 10 * 1024 * 1024;

    private string Token() => rig.Issuer.Mint("anna.larare", roles: ["larare"]);

    [Fact]
    public async Task A_body_of_exactly_the_limit_reaches_the_backend_whole()
    {
        using var client = rig.Client(Token());

        using var response = await client.PostAsync("/echo/upload", new ByteArrayContent(new byte[Limit]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Limit, (await response.Content.ReadFromJsonAsync<EchoResponse>())!.BodyBytes);
    }

    [Fact]
    public async Task A_body_one_byte_over_the_limit_is_413()
    {
        // The client waits for the gateway's "100 Continue" before it sends the body (however loaded
        // the machine); the gateway answers from the Content-Length instead, so nothing is sent
        // into a connection the gateway is closing. (YARP has already opened the request to the
        // backend by then, which sees it aborted.)
        using var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) })
        {
            BaseAddress = rig.GatewayAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo/upload") { Content = new ByteArrayContent(new byte[Limit + 1]) };
        request.Headers.ExpectContinue = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
