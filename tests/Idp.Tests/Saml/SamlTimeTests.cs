using Federation.Idp.Saml;

namespace Federation.Idp.Tests.Saml;

/// <summary>The one reading of SAML times, which both roles and the metadata reader use.</summary>
public sealed class SamlTimeTests
{
    [Theory]
    [InlineData("2026-03-02T08:00:00Z", 0)]
    [InlineData("2026-03-02T08:00:00.123Z", 1_230_000)]
    [InlineData("2026-03-02T08:00:00.1234567Z", 1_234_567)]
    public void UTC_xs_dateTime_is_read(string value, long extraTicks) =>
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero).AddTicks(extraTicks), SamlTime.Parse(value));

    [Theory]
    [InlineData("")]
    [InlineData("2026-03-02T08:00:00")]
    [InlineData("2026-03-02T08:00:00+01:00")]
    [InlineData("2026-03-02 08:00:00Z")]
    [InlineData("2026-03-02Z")]
    [InlineData("Mon, 02 Mar 2026 08:00:00Z")]
    [InlineData(" 2026-03-02T08:00:00Z")]
    public void Anything_else_is_no_time(string value) => Assert.Null(SamlTime.Parse(value));

    [Fact]
    public void Recent_means_within_the_age_and_not_in_the_future_give_or_take_the_skew()
    {
        var now = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var age = TimeSpan.FromMinutes(5);
        var skew = TimeSpan.FromMinutes(3);
        Assert.True(SamlTime.IsRecent("2026-03-02T07:52:00Z", now, age, skew));
        Assert.False(SamlTime.IsRecent("2026-03-02T07:51:59Z", now, age, skew));
        Assert.True(SamlTime.IsRecent("2026-03-02T08:03:00Z", now, age, skew));
        Assert.False(SamlTime.IsRecent("2026-03-02T08:03:01Z", now, age, skew));
        Assert.Equal(now.AddMinutes(4), SamlTime.ValidUntil("2026-03-02T08:01:00Z", now, skew));
        Assert.Null(SamlTime.ValidUntil("2026-03-02T07:57:00Z", now, skew));
    }
}
