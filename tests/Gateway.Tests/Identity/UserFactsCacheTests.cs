using System.Security.Claims;
using Federation.Core.Feed;
using Federation.Gateway.Forwarding;
using Federation.Gateway.Identity;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Gateway.Tests.Identity;

public sealed class UserFactsCacheTests
{
    private static readonly FeedSystem Echo = new("echo", "Echo", LifecyclePhase.AnvandningOchSupport,
        new FeedAccessPolicy([], [], [], "loa2"), ["given_name", "roles"], Backend: new FeedBackend("/echo", ["http://127.0.0.1:1"], null));

    private static ClaimsPrincipal User(string role = "larare", string name = "Anna") => new(new ClaimsIdentity(
        [new Claim("sub", "anna.larare"), new Claim("roles", role), new Claim("given_name", name), new Claim("acr", "loa2")], "Bearer"));

    private static IReadOnlyList<string> Released(UserFacts facts, FeedSystem system, string attribute) =>
        FederationHeaders.DecodeValues(facts.ReleasedHeaders(system).Single(h => h.Key == FederationHeaders.ForAttribute(attribute)).Value);

    [Fact]
    public void The_same_claims_are_worked_out_once()
    {
        var cache = new UserFactsCache(new FakeTimeProvider());

        Assert.Same(cache.For(User()), cache.For(User()));
        Assert.Contains("larare", cache.For(User()).Attributes.Roles);
    }

    [Fact]
    public void Changed_claims_are_new_facts_never_the_remembered_ones()
    {
        var cache = new UserFactsCache(new FakeTimeProvider());
        var teacher = cache.For(User("larare"));

        var principal = cache.For(User("rektor"));
        var renamed = cache.For(User("larare", "Annika"));

        Assert.NotSame(teacher, principal);
        Assert.Equal(["rektor"], principal.Attributes.Roles);
        Assert.Equal(["rektor"], Released(principal, Echo, "roles"));
        Assert.Equal(["Annika"], Released(renamed, Echo, "given_name"));
    }

    [Fact]
    public void A_new_release_list_takes_effect_at_once()
    {
        var facts = new UserFactsCache(new FakeTimeProvider()).For(User());
        Assert.Equal(["X-Federation-Given-Name", "X-Federation-Roles"], facts.ReleasedHeaders(Echo).Select(h => h.Key).Order());

        // The register narrows the release list: the next feed's system object.
        var narrowed = Echo with { Release = ["given_name"] };

        Assert.Equal(["X-Federation-Given-Name"], facts.ReleasedHeaders(narrowed).Select(h => h.Key));
    }

    [Fact]
    public void Facts_are_worked_out_again_after_their_age()
    {
        var time = new FakeTimeProvider();
        var cache = new UserFactsCache(time);
        var facts = cache.For(User());

        time.Advance(UserFactsCache.MaxAge);

        Assert.NotSame(facts, cache.For(User()));
    }
}
