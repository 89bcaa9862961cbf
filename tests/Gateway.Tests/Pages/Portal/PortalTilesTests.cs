using Federation.Core.Access;
using Federation.Core.Feed;
using Federation.Gateway.Pages.Portal;
using Federation.Gateway.Routing;

namespace Federation.Gateway.Tests.Pages.Portal;

/// <summary>
/// The portal's tiles: what the access decision lets a person use, each with somewhere safe to go.
/// A register entry's launch URL ends up as a link on every user's start page, so a value the
/// core's endpoint rule refuses (a <c>javascript:</c> URL, plain http to another host) is never one.
/// </summary>
public sealed class PortalTilesTests
{
    private static readonly FeedAccessPolicy Anyone = new([], [], [], "loa2");

    private static readonly PersonFacts Student = new("elin", new HashSet<string> { "elev" }, new HashSet<string>(),
        new HashSet<string> { "41526371" }, "loa2");

    private static FeedSystem Backend(string id, string name, FeedAccessPolicy access, string? launchUrl = null) =>
        new(id, name, LifecyclePhase.AnvandningOchSupport, access, [],
            Backend: new FeedBackend("/" + id, ["http://127.0.0.1:1"], "/health"), Description: $"Om {name}", LaunchUrl: launchUrl);

    private static FeedSystem SignsInItself(string id, string name, FeedAccessPolicy access, string? launchUrl,
        LifecyclePhase lifecycle = LifecyclePhase.AnvandningOchSupport, string? notice = null) =>
        new(id, name, lifecycle, access, [], OidcClient: new FeedOidcClient(id, null, ["https://x.example.se/cb"], [], ["authorization_code"], []),
            Notice: notice, Description: $"Om {name}", LaunchUrl: launchUrl);

    private static DirectorySnapshot Directory(params FeedSystem[] systems) =>
        // The gateway routes every backend here except "unrouted" (as when its rules refuse an entry).
        new(new FederationFeed(1, DateTimeOffset.UtcNow, systems),
            systems.Where(s => s.Backend is not null && s.Id != "unrouted").ToDictionary(s => s.Id),
            []);

    [Fact]
    public void A_student_gets_a_tile_for_each_system_the_access_decision_lets_her_use_and_none_for_the_others()
    {
        var directory = Directory(
            Backend("oppen", "Öppna skolan", Anyone),
            Backend("larare", "Lärarrummet", Anyone with { Roles = ["larare"] }),
            SignsInItself("etjanst", "E-tjänst", Anyone with { AssuranceLevel = "loa3" }, "https://e.kommun.example.se/"),
            SignsInItself("ny", "Nytt system", Anyone, "https://ny.example.se/", LifecyclePhase.Anskaffning),
            SignsInItself("utan", "Utan startadress", Anyone, launchUrl: null),
            Backend("unrouted", "Ej routad", Anyone));

        var tiles = PortalTiles.For(directory, Student, "https");

        // Swedish order: Ö after E.
        Assert.Equal(["etjanst", "oppen"], tiles.Select(t => t.Id));
        Assert.Equal("/oppen/", tiles.Single(t => t.Id == "oppen").Url);
        Assert.Equal("Om Öppna skolan", tiles.Single(t => t.Id == "oppen").Description);
        // Allowed after a stronger sign-in (the system asks for it): shown, and marked.
        Assert.True(tiles.Single(t => t.Id == "etjanst").NeedsStepUp);
        Assert.False(tiles.Single(t => t.Id == "oppen").NeedsStepUp);
    }

    [Fact]
    public void A_system_in_Avveckling_is_marked_with_its_notice()
    {
        var directory = Directory(
            SignsInItself("gammal", "Gamla systemet", Anyone, "https://gammal.example.se/", LifecyclePhase.Avveckling, "Stängs 30 juni."),
            Backend("oppen", "Öppna skolan", Anyone));

        var tiles = PortalTiles.For(directory, Student, "https");

        var retiring = tiles.Single(t => t.Id == "gammal");
        Assert.True(retiring.Retiring);
        Assert.Equal("Stängs 30 juni.", retiring.Notice);
        Assert.False(tiles.Single(t => t.Id == "oppen").Retiring);
    }

    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("http://phish.example.se/")]
    [InlineData("https://user@phish.example.se/")]
    [InlineData("/relative/path")]
    public void A_launch_url_the_endpoint_rule_refuses_is_never_a_link(string launchUrl)
    {
        var directory = Directory(
            SignsInItself("utan-route", "Utan route", Anyone, launchUrl),
            Backend("med-route", "Med route", Anyone, launchUrl));

        var tiles = PortalTiles.For(directory, Student, "https");

        // Nowhere safe to go: no tile. With a route at the gateway: the route, not the value.
        Assert.Equal("/med-route/", Assert.Single(tiles).Url);
    }

    [Fact]
    public void A_backend_with_a_host_of_its_own_is_linked_on_that_host()
    {
        var system = Backend("elevhalsa", "Elevhälsa", Anyone) with
        {
            Backend = new FeedBackend("/elevhalsa", ["http://127.0.0.1:1"], "/health", PublicHost: "elevhalsa.skola.example.se"),
        };

        var tile = Assert.Single(PortalTiles.For(Directory(system), Student, "https"));

        Assert.Equal("https://elevhalsa.skola.example.se/elevhalsa/", tile.Url);
    }
}
