using System.Net;
using System.Text.Json;
using Federation.Gateway.Forwarding;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Proxy;

/// <summary>Systems being decommissioned show a notice; retired ones say so with 410.</summary>
public sealed class LifecycleTests(GatewayRig rig) : IClassFixture<GatewayRig>
{
    private string Token() => rig.Issuer.Mint("anna.larare", roles: ["larare"]);

    [Fact]
    public async Task A_system_in_avveckling_still_works_for_programs_and_carries_the_notice()
    {
        using var client = rig.Client(Token());

        var response = await client.GetAsync("/avveckling/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var notice = Uri.UnescapeDataString(response.Headers.GetValues(FederationHeaders.Notice).Single());
        Assert.Equal("Avvecklas 30 juni; använd Lärplattformen.", notice);
    }

    [Fact]
    public async Task A_person_sees_the_notice_once_per_session_then_the_system()
    {
        using var client = rig.Client(Token(), browser: true);
        var before = rig.BackendA.Requests;

        var first = await client.GetAsync("/avveckling/schema?vecka=12");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var page = await first.Content.ReadAsStringAsync();
        Assert.Contains("Avvecklas 30 juni; använd Lärplattformen.", page);
        Assert.Contains("href=\"/avveckling/schema?vecka=12\"", page);
        Assert.Equal(before, rig.BackendA.Requests);
        var cookie = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("federation.notice.avveckling=", StringComparison.Ordinal));
        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/avveckling/schema?vecka=12");
        again.Headers.Add("Cookie", cookie.Split(';')[0]);
        var second = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(before + 1, rig.BackendA.Requests);
        Assert.True(second.Headers.Contains(FederationHeaders.Notice));
    }

    [Fact]
    public async Task A_system_marked_retired_in_the_register_answers_410_with_a_page()
    {
        using var client = rig.Client(Token(), browser: true);

        var response = await client.GetAsync("/gamla/start");

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("System gamla har avvecklats och finns inte längre.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_system_that_left_the_feed_answers_410_and_its_path_can_be_reused()
    {
        using var client = rig.Client(Token());
        await rig.PublishAsync(f => f.With(DemoFeed.System("kortlivat", "/kortlivat", [rig.BackendA.Address], DemoFeed.Anyone)));
        await Loopback.EventuallyAsync(async () => (await client.GetAsync("/kortlivat/")).StatusCode == HttpStatusCode.OK, "served");

        await rig.PublishAsync(f => f.Without("kortlivat"));

        var gone = await client.GetAsync("/kortlivat/");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("retired", (await JsonDocument.ParseAsync(await gone.Content.ReadAsStreamAsync())).RootElement.GetProperty("reason").GetString());

        await rig.PublishAsync(f => f.With(DemoFeed.System("efterfoljare", "/kortlivat", [rig.BackendB.Address], DemoFeed.Anyone)));
        await Loopback.EventuallyAsync(async () => (await client.GetAsync("/kortlivat/")).StatusCode == HttpStatusCode.OK, "path reused");
    }
}
