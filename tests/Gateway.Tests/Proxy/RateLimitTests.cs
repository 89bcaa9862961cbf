using System.Net;
using Federation.Gateway.Tests.Infrastructure;

namespace Federation.Gateway.Tests.Proxy;

public sealed class PerUserLimitRig : GatewayRig
{
    protected override void Configure(Dictionary<string, string?> settings) =>
        settings["Gateway:RateLimits:PermitsPerUser"] = "3";
}

public sealed class PerAddressLimitRig : GatewayRig
{
    protected override void Configure(Dictionary<string, string?> settings) =>
        settings["Gateway:RateLimits:PermitsPerAddress"] = "4";
}

public sealed class PerUserRateLimitTests(PerUserLimitRig rig) : IClassFixture<PerUserLimitRig>
{
    [Fact]
    public async Task One_user_over_the_limit_gets_429_with_retry_after_while_others_go_on()
    {
        using var busy = rig.Client(rig.Issuer.Mint("ivrig"));
        using var other = rig.Client(rig.Issuer.Mint("lugn"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/echo/")).StatusCode);
        }

        var refused = await busy.GetAsync("/echo/");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("rate-limited", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/echo/")).StatusCode);
    }
}

public sealed class PerAddressRateLimitTests(PerAddressLimitRig rig) : IClassFixture<PerAddressLimitRig>
{
    [Fact]
    public async Task One_address_over_the_limit_gets_429_even_without_signing_in()
    {
        using var anonymous = rig.Client();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/echo/")).StatusCode);
        }

        var refused = await anonymous.GetAsync("/echo/");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        // Probes are never throttled.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Metrics_scrapes_are_never_rate_limited()
    {
        using var scraper = rig.ManagementClient();

        // Well past the address's limit of 4, from the same address.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync("/metrics")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync("/health/ready")).StatusCode);
    }
}
