using Federation.Core.Navigation;

namespace Federation.Core.Tests.Navigation;

public sealed class ReturnUrlTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/procapita/")]
    [InlineData("/connect/authorize?client_id=lika&redirect_uri=https%3A%2F%2Flika.example.se%2Fcb")]
    [InlineData("/a/b?c=d#e")]
    [InlineData("/%2F%2Fevil.example")]
    public void Local_paths_are_kept(string url)
    {
        Assert.True(ReturnUrl.IsSafe(url));
        Assert.Equal(url, ReturnUrl.OrHome(url));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example/x")]
    [InlineData("\\\\evil.example/x")]
    [InlineData("/\t/evil.example/x")]
    [InlineData("/\n/evil.example/x")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("/ /evil.example")]
    [InlineData("/x\\..\\..\\evil")]
    [InlineData("https://evil.example/x")]
    [InlineData("http:/evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("evil.example")]
    [InlineData("\u0000/evil")]
    [InlineData("/\u00a0/evil.example")]
    public void Anything_a_browser_could_read_as_another_site_goes_home(string? url)
    {
        Assert.False(ReturnUrl.IsSafe(url));
        Assert.Equal("/", ReturnUrl.OrHome(url));
    }
}
