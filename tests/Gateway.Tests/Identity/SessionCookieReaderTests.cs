using System.Security.Claims;
using Federation.Gateway.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Gateway.Tests.Identity;

public sealed class SessionCookieReaderTests
{
    private const string Name = GatewayAuthentication.CookieName;
    private readonly FakeTimeProvider _time = new();
    private readonly SessionTicketCache _tickets;
    private readonly ChunkingCookieManager _framework = new();
    private readonly SessionCookieReader _reader;
    private readonly string _known;

    public SessionCookieReaderTests()
    {
        _tickets = new SessionTicketCache(new AcceptingFormat(), _time);
        _reader = new SessionCookieReader(_framework, _tickets);
        _known = "CfDJ8" + new string('x', 3000);
        Assert.NotNull(_tickets.Unprotect(_known)); // the cache now holds this text
    }

    private static DefaultHttpContext Request(params string[] cookieHeaders)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = cookieHeaders;
        return context;
    }

    [Fact]
    public void A_known_session_cookie_is_the_held_string_not_a_copy()
    {
        var context = Request($"skolans-egen=1; {Name}={_known}; annat=2");

        var read = _reader.GetRequestCookie(context, Name);

        Assert.Same(_known, read);
        Assert.Equal(_framework.GetRequestCookie(Request($"skolans-egen=1; {Name}={_known}; annat=2"), Name), read);
    }

    public static TheoryData<string> UnusualHeaders() => new()
    {
        "federation.session=CfDJ8-unknown",                       // never decrypted
        "federation.session2=x; federation.session=CfDJ8-other",  // a longer name first
        "federation.session=a; federation.session=KNOWN",         // sent twice, the known one second
        "federation.session=KNOWN; federation.session=b",         // sent twice, the known one first
        "federation.session=%43fDJ8",                             // escaped
        "federation.session=\"KNOWN\"",                          // quoted
        "skolans-egen=1",                                         // absent
        // The framework's collection ignores the case of names and also splits at commas:
        // these are the same cookie twice to it, so it decides which one counts.
        "FEDERATION.SESSION=a; federation.session=KNOWN",
        "federation.session=KNOWN; Federation.Session=b",
        "federation.session=KNOWN; other=1, federation.session=b",
        "federation.session=KNOWN, federation.session=b",
        "federation.session=KNOWN,other=1",
        "federation.session=KNOWN b",
    };

    [Theory]
    [MemberData(nameof(UnusualHeaders))]
    public void Anything_else_reads_exactly_as_the_framework_reads_it(string header)
    {
        header = header.Replace("KNOWN", _known, StringComparison.Ordinal);

        Assert.Equal(_framework.GetRequestCookie(Request(header), Name), _reader.GetRequestCookie(Request(header), Name));
    }

    [Fact]
    public void A_changed_cookie_is_not_taken_for_the_known_one()
    {
        var tampered = _known[..^1] + "y";

        var read = _reader.GetRequestCookie(Request($"{Name}={tampered}"), Name);

        Assert.Equal(tampered, read);
    }

    [Fact]
    public void A_chunked_session_is_put_together_by_the_framework()
    {
        var header = $"{Name}=chunks-2; {Name}C1={_known[..1500]}; {Name}C2={_known[1500..]}";

        Assert.Equal(_known, _reader.GetRequestCookie(Request(header), Name));
    }

    [Fact]
    public void A_stale_entry_is_not_used()
    {
        _time.Advance(SessionTicketCache.MaxAge + TimeSpan.FromSeconds(1));

        var read = _reader.GetRequestCookie(Request($"{Name}={_known}"), Name);

        Assert.Equal(_known, read);
        Assert.NotSame(_known, read);
    }

    private sealed class AcceptingFormat : ISecureDataFormat<AuthenticationTicket>
    {
        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();

        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose) => new(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "anna.larare")], "Cookies")),
            new AuthenticationProperties(),
            CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
