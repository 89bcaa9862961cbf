using Federation.Core.Integration;

namespace Federation.Core.Tests.Integration;

/// <summary>The one rule set the register checks on write and the idp and the gateway check before they apply.</summary>
public sealed class IntegrationRulesTests
{
    [Theory]
    [InlineData("https://lika.example.se/cb")]
    [InlineData("https://lika.example.se:8443/cb?x=1")]
    [InlineData("http://127.0.0.1:5300/scalar/")]
    [InlineData("http://localhost:8080/cb")]
    [InlineData("http://[::1]:8080/cb")]
    public void Endpoint_urls_the_idp_can_apply_pass(string url) => Assert.Null(IntegrationRules.EndpointUrlProblem(url));

    [Theory]
    [InlineData("https://lika.example.se/cb#frag")]
    [InlineData("https://lika.example.se/cb#")]
    [InlineData("http://lika.example.se/cb")]
    [InlineData("http://127.0.0.1.example.se/cb")]
    [InlineData("https://*.example.se/cb")]
    [InlineData("https://user:pw@lika.example.se/cb")]
    [InlineData("/relative/cb")]
    [InlineData("javascript:alert(1)")]
    [InlineData("")]
    public void Endpoint_urls_the_idp_cannot_apply_are_refused(string url) => Assert.NotNull(IntegrationRules.EndpointUrlProblem(url));

    [Theory]
    [InlineData("/procapita")]
    [InlineData("/skola/procapita")]
    [InlineData("/v1.2_x~y")]
    [InlineData("/healthcare")]
    public void Gateway_paths_pass(string path) => Assert.Null(IntegrationRules.GatewayPathProblem(path));

    [Theory]
    [InlineData("/gw3/../procapita")]
    [InlineData("/./procapita")]
    [InlineData("/procapita/")]
    [InlineData("//procapita")]
    [InlineData("procapita")]
    [InlineData("/")]
    [InlineData("/pro capita")]
    [InlineData("/pro%2fcapita")]
    [InlineData("/{rest}")]
    [InlineData("/health")]
    [InlineData("/Signin-OIDC")]
    [InlineData("/account/x")]
    public void Gateway_paths_the_gateway_cannot_route_are_refused(string path) => Assert.NotNull(IntegrationRules.GatewayPathProblem(path));

    [Theory]
    [InlineData("federation.feed", true)]
    [InlineData("openid", true)]
    [InlineData("federation feed", false)]
    [InlineData("a\"b", false)]
    [InlineData("", false)]
    public void Scopes_follow_rfc_6749(string scope, bool valid) => Assert.Equal(valid, IntegrationRules.ScopeProblem(scope) is null);

    [Theory]
    [InlineData("http://127.0.0.1:5400", true)]
    [InlineData("https://procapita.kommun.example.se/app", true)]
    [InlineData("http://127.0.0.1:5400/#x", false)]
    [InlineData("http://127.0.0.1:5400/?a=b", false)]
    [InlineData("ftp://127.0.0.1", false)]
    public void Upstreams(string upstream, bool valid) => Assert.Equal(valid, IntegrationRules.UpstreamProblem(upstream) is null);

    [Theory]
    [InlineData("elevhalsa.skola.example.se")]
    [InlineData("e-tjanst-1.kommun.se")]
    public void A_systems_own_host_name_passes(string host) => Assert.Null(IntegrationRules.PublicHostProblem(host));

    [Theory]
    [InlineData("")]
    [InlineData("https://elevhalsa.skola.example.se")]
    [InlineData("elevhalsa.skola.example.se:8443")]
    [InlineData("elevhalsa.skola.example.se/x")]
    [InlineData("Elevhalsa.Skola.Example.Se")]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("-elevhalsa.example.se")]
    [InlineData("*.skola.example.se")]
    public void Anything_but_a_plain_lower_case_host_name_is_refused(string host) => Assert.NotNull(IntegrationRules.PublicHostProblem(host));
}
