using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Proxy;

/// <summary>What a backend receives about the user, and what it never receives.</summary>
public sealed class IdentityForwardingTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    private string Anna(string acr = "loa2", string[]? audiences = null) => rig.Issuer.Mint(
        "anna.larare",
        roles: ["larare"],
        acr: acr,
        schoolUnits: [DemoFeed.Bjorkskolan],
        audiences: audiences,
        extra: new Dictionary<string, object>
        {
            ["given_name"] = "Anna",
            ["family_name"] = "Lärare",
            ["eppn"] = "anna.larare@skola.example.se",
            ["personnummer"] = "198001011234",
            ["email"] = "anna.larare@skola.example.se",
        });

    [Fact]
    public async Task The_backend_gets_signed_headers_with_exactly_the_release_list()
    {
        using var client = rig.Client(Anna());

        var echo = (await client.GetFromJsonAsync<EchoResponse>("/echo/"))!;

        Assert.True(echo.Verified, echo.VerificationFailure);
        Assert.Equal(["acr", "eppn", "given_name", "roles", "school_units"], echo.Attributes.Keys.Order());
        Assert.Equal(["Anna"], echo.Attributes["given_name"]);
        Assert.Equal(["larare"], echo.Attributes["roles"]);
        Assert.Equal([DemoFeed.Bjorkskolan], echo.Attributes["school_units"]);
        Assert.Equal(["anna.larare@skola.example.se"], echo.Attributes["eppn"]);
        // Not released to this system: never sent.
        Assert.DoesNotContain(echo.Headers.Keys, h => h.Contains("personnummer") || h.Contains("family-name") || h.Contains("email"));
        Assert.Equal("echo", echo.Headers["x-federation-system"]);
    }

    [Fact]
    public async Task Another_system_with_a_shorter_release_list_gets_less()
    {
        using var client = rig.Client(Anna());

        var echo = (await client.GetFromJsonAsync<EchoResponse>("/larare/"))!;

        Assert.True(echo.Verified, echo.VerificationFailure);
        Assert.Equal(["given_name"], echo.Attributes.Keys);
    }

    [Fact]
    public async Task Identity_headers_sent_by_the_client_are_stripped()
    {
        using var client = rig.Client(Anna());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/");
        request.Headers.Add("X-Federation-Roles", "register-admin");
        request.Headers.Add("X-Federation-Personnummer", "191212121212");
        request.Headers.Add("x-federation-signature", "hmac-sha256=AAAA");
        request.Headers.Add("X-Federation-Timestamp", "1");
        request.Headers.Add("X-FEDERATION-SYSTEM", "annat");

        var response = await client.SendAsync(request);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>())!;

        Assert.True(echo.Verified, echo.VerificationFailure);
        Assert.Equal("larare", echo.Headers["x-federation-roles"]);
        Assert.False(echo.Headers.ContainsKey("x-federation-personnummer"));
        Assert.Equal("echo", echo.Headers["x-federation-system"]);
        Assert.NotEqual("hmac-sha256=AAAA", echo.Headers["x-federation-signature"]);
    }

    [Fact]
    public async Task The_gateways_token_and_session_cookie_do_not_reach_the_backend()
    {
        using var client = rig.Client(Anna());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/");
        request.Headers.Add("Cookie", "federation.session=abc; skolans-egen=1; .AspNetCore.Correlation.x=y;federation.notice.echo=1;  schema=7a; Federation.Session=abc");

        var echo = (await (await client.SendAsync(request)).Content.ReadFromJsonAsync<EchoResponse>())!;

        Assert.False(echo.Headers.ContainsKey("authorization"));
        Assert.Equal("skolans-egen=1; schema=7a", echo.Headers["cookie"]);
    }

    [Fact]
    public async Task The_trace_continues_from_the_caller_through_the_gateway_to_the_backend()
    {
        using var client = rig.Client(Anna());
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var echo = (await (await client.SendAsync(request)).Content.ReadFromJsonAsync<EchoResponse>())!;

        Assert.Contains(traceId.ToString(), echo.Headers["traceparent"]);
    }

    [Fact]
    public async Task A_token_system_gets_the_users_access_token_when_its_audience_is_in_it()
    {
        var token = Anna(audiences: ["federation-gateway", "procapita-api"]);
        using var client = rig.Client(token);

        var echo = (await client.GetFromJsonAsync<EchoResponse>("/tokenapi/"))!;

        Assert.Equal("Bearer " + token, echo.Headers["authorization"]);
        Assert.DoesNotContain(echo.Headers.Keys, h => h.StartsWith("x-federation-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_system_refuses_a_token_for_another_audience()
    {
        using var client = rig.Client(Anna());

        var response = await client.GetAsync("/tokenapi/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("\"reason\":\"audience\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_for_system_a_is_refused_at_system_bs_route()
    {
        // Issued for the token system only: both audiences are registered, but this route is echo's.
        using var client = rig.Client(Anna(audiences: ["procapita-api"]));

        var response = await client.GetAsync("/echo/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"reason\":\"audience\"", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/tokenapi/")).StatusCode);
    }

    [Fact]
    public async Task The_signature_holds_for_the_exact_method_path_and_query_sent()
    {
        using var client = rig.Client(Anna());

        var response = await client.PostAsync("/echo/elever/%C3%85sa%20%C3%96?klass=7b&namn=%C3%A5+b&tom", new StringContent("x"));
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>())!;

        Assert.True(echo.Verified, echo.VerificationFailure);
        Assert.Equal("?klass=7b&namn=%C3%A5+b&tom", echo.Query);
        Assert.False(string.IsNullOrEmpty(echo.Headers["x-federation-nonce"]));
    }

    [Fact]
    public async Task Identity_headers_spelled_with_underscores_are_stripped_too()
    {
        using var client = rig.Client(Anna());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/");
        request.Headers.TryAddWithoutValidation("X_Federation_Roles", "register-admin");
        request.Headers.TryAddWithoutValidation("x-federation_personnummer", "191212121212");

        var echo = (await (await client.SendAsync(request)).Content.ReadFromJsonAsync<EchoResponse>())!;

        Assert.True(echo.Verified, echo.VerificationFailure);
        Assert.DoesNotContain(echo.Headers.Keys, h => h.Contains('_'));
        Assert.Equal("larare", echo.Headers["x-federation-roles"]);
    }

    [Fact]
    public async Task A_backend_cannot_set_the_gateways_own_cookies()
    {
        using var client = rig.Client(Anna());
        var query = string.Join('&', new[]
        {
            "federation.session=chosen-by-backend; Path=/",
            ".AspNetCore.Correlation.x=y; Path=/",
            "federation.notice.echo=1; Path=/",
            // Another spelling is another cookie to the browser but the same one to the framework's reader.
            "FEDERATION.SESSION=chosen-by-backend; Path=/",
            ".aspnetcore.correlation.x=y; Path=/",
            // Without a name, which browsers send as the bare value: federation.session=…
            "=federation.session=chosen-by-backend; Path=/",
            "skolans-egen=1; Path=/echo",
        }.Select(c => "set-cookie=" + Uri.EscapeDataString(c)));

        var response = await client.GetAsync("/echo/?" + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["skolans-egen=1; Path=/echo"], response.Headers.GetValues("Set-Cookie"));
    }
}
