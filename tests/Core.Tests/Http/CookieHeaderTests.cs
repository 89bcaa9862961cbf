using Federation.Core.Http;
using Microsoft.AspNetCore.Http;

namespace Federation.Core.Tests.Http;

public sealed class CookieHeaderTests
{
    private const string Name = "federation.signin-trace";

    private static HttpRequest Request(params string[] cookieHeaders)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = cookieHeaders;
        return context.Request;
    }

    [Fact]
    public void Finds_the_cookie_among_others_without_the_framework_collection()
    {
        var request = Request($"federation.session={new string('x', 3000)}; {Name}=00-abc-def-01; .AspNetCore.Culture=c%3Den");

        Assert.Equal("00-abc-def-01", CookieHeader.Find(request, Name));
        // The framework's collection was never built: it is what copies every value per request.
        Assert.Null(request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IRequestCookiesFeature>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("other=1")]
    [InlineData("x" + Name + "=1")]                  // a longer name that ends in ours
    [InlineData(Name + "x=1")]                       // a longer name that starts with ours
    [InlineData("other=" + Name + "=1")]             // our name inside another cookie's value
    public void Is_null_when_the_request_does_not_carry_exactly_that_cookie(string header)
    {
        Assert.Null(CookieHeader.Find(Request(header), Name));
    }

    [Theory]
    [InlineData(Name + "=a%20b", "a b")]                 // escaped: decoded by the framework's rules
    [InlineData(Name + "=\"quoted\"", "\"quoted\"")]     // quoted: as the framework keeps it
    [InlineData(Name + "=first; " + Name + "=second", "second")] // sent twice: the framework's choice
    public void Unusual_values_are_read_by_the_framework(string header, string expected)
    {
        var request = Request(header);
        Assert.Equal(request.Cookies[Name], CookieHeader.Find(Request(header), Name));
        Assert.Equal(expected, CookieHeader.Find(Request(header), Name));
    }

    /// <summary>Whatever the header holds, the value read is the framework's (names ignore case, commas separate too).</summary>
    [Theory]
    [InlineData(Name + "=a; FEDERATION.SIGNIN-TRACE=b")]
    [InlineData("FEDERATION.SIGNIN-TRACE=a; " + Name + "=b")]
    [InlineData("FEDERATION.SIGNIN-TRACE=a")]
    [InlineData(Name + "=a, " + Name + "=b")]
    [InlineData("other=1, " + Name + "=b; " + Name + "=a")]
    [InlineData(Name + "=a; other=1, " + Name + "=b")]
    [InlineData(Name + "=a,other=1")]
    [InlineData(Name + "=a b")]
    [InlineData(Name + "= a")]
    [InlineData(Name + "=a\\b")]
    [InlineData("x=\"y; " + Name + "=a; z=1")]
    [InlineData("\t" + Name + "=a\t")]
    [InlineData(Name + "=a=b")]
    public void Reads_what_the_framework_reads(string header)
    {
        Assert.Equal(Request(header).Cookies[Name], CookieHeader.Find(Request(header), Name));
        if (CookieHeader.TryFindPlainValue(new([header]), Name, out var plain))
        {
            Assert.Equal(Request(header).Cookies[Name], plain.ToString());
        }
    }

    [Fact]
    public void Reads_across_several_cookie_headers()
    {
        Assert.Equal("v", CookieHeader.Find(Request("a=1", $"{Name}=v"), Name));
    }

    [Fact]
    public void A_plain_value_is_found_in_place_and_an_unusual_one_is_not()
    {
        Assert.True(CookieHeader.TryFindPlainValue(new([$"a=1; {Name}=plain"]), Name, out var value));
        Assert.Equal("plain", value.ToString());
        Assert.False(CookieHeader.TryFindPlainValue(new([$"{Name}=a%20b"]), Name, out _));
        Assert.False(CookieHeader.TryFindPlainValue(new([$"{Name}=1", $"{Name}=2"]), Name, out _));
        Assert.False(CookieHeader.TryFindPlainValue(new(["a=1"]), Name, out _));
    }
}
