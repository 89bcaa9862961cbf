using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Policy;

/// <summary>The access policy as a caller meets it through the gateway.</summary>
public sealed class PolicyGateTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    [Theory]
    [InlineData("larare", HttpStatusCode.OK)]
    [InlineData("rektor", HttpStatusCode.OK)]
    [InlineData("elev", HttpStatusCode.Forbidden)]
    [InlineData("vardnadshavare", HttpStatusCode.Forbidden)]
    [InlineData("skolsekreterare", HttpStatusCode.Forbidden)]
    public async Task Roles_decide_who_reaches_a_teachers_system(string role, HttpStatusCode expected)
    {
        using var client = rig.Client(rig.Issuer.Mint("user-" + role, roles: [role]));

        var response = await client.GetAsync("/larare/");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_refused_api_caller_gets_a_problem_detail_with_the_reason()
    {
        using var client = rig.Client(rig.Issuer.Mint("elin.elev", roles: ["elev"]));
        var before = rig.BackendA.Requests;

        var response = await client.GetAsync("/larare/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("role", problem.GetProperty("reason").GetString());
        Assert.Equal("larare", problem.GetProperty("system").GetString());
        Assert.Contains("larare, rektor", problem.GetProperty("detail").GetString());
        Assert.Equal(before, rig.BackendA.Requests);
    }

    [Fact]
    public async Task A_refused_person_gets_a_page_with_the_reason_in_words()
    {
        using var client = rig.Client(rig.Issuer.Mint("elin.elev", roles: ["elev"]), browser: true);

        var response = await client.GetAsync("/larare/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Du har inte behörighet till System larare", page);
        Assert.Contains("Systemet kräver någon av rollerna larare, rektor. Du har elev.", page);
    }

    [Fact]
    public async Task Groups_decide_access()
    {
        using var member = rig.Client(rig.Issuer.Mint("eva", groups: ["elevhalsoteam"]));
        using var other = rig.Client(rig.Issuer.Mint("olle", groups: ["larlag-7"]));

        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/grupp/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/grupp/")).StatusCode);
    }

    [Fact]
    public async Task School_units_decide_access()
    {
        using var bjork = rig.Client(rig.Issuer.Mint("anna.larare", roles: ["larare"], schoolUnits: [DemoFeed.Bjorkskolan]));
        using var ekdal = rig.Client(rig.Issuer.Mint("karl.larare", roles: ["larare"], schoolUnits: [DemoFeed.Ekdalsgymnasiet]));

        Assert.Equal(HttpStatusCode.OK, (await bjork.GetAsync("/bjork/")).StatusCode);
        var refused = await ekdal.GetAsync("/bjork/");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("school-unit", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_api_caller_with_too_low_assurance_is_told_to_step_up()
    {
        using var client = rig.Client(rig.Issuer.Mint("rolf.rektor", roles: ["rektor"], acr: "loa2"));

        var response = await client.GetAsync("/mfa/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"insufficient_user_authentication\"", challenge.Parameter);
        Assert.Contains("acr_values=\"loa3\"", challenge.Parameter);
    }

    [Fact]
    public async Task A_person_with_too_low_assurance_is_sent_to_sign_in_again_with_acr_values()
    {
        using var client = rig.Client(rig.Issuer.Mint("rolf.rektor", roles: ["rektor"], acr: "loa2"), browser: true);

        var response = await client.GetAsync("/mfa/betyg");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        Assert.Equal("loa3", query["acr_values"]);
        Assert.Equal("S256", query["code_challenge_method"]);
    }

    [Fact]
    public async Task Loa3_reaches_the_system_that_needs_it()
    {
        using var client = rig.Client(rig.Issuer.Mint("rolf.rektor", roles: ["rektor"], acr: "loa3"));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/mfa/")).StatusCode);
    }
}
