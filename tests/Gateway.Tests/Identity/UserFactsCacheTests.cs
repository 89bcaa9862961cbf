using System.Security.Claims;
using Federation.Core.Feed;
using Federation.Gateway.Forwarding;
using Federation.Gateway.Identity;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Gateway.Tests.Identity;

public sealed class UserFactsCacheTests
{
    private const string Key = "test-signing-key-for-every-backend-0123456789";

    private static readonly FeedSystem Echo = new("echo", "Echo", LifecyclePhase.AnvandningOchSupport,
        new FeedAccessPolicy([], [], [], "loa2"), ["given_name", "roles"], Backend: new FeedBackend("/echo", ["http://127.0.0.1:1"], null));

    private static ClaimsPrincipal User(string role = "larare", string name = "Anna") => new(new ClaimsIdentity(
        [new Claim("sub", "anna.larare"), new Claim("roles", role), new Claim("given_name", name), new Claim("acr", "loa2")], "Bearer"));

    private static VerifiedIdentity Verify(IReadOnlyList<KeyValuePair<string, string>> headers, FakeTimeProvider time, string key = Key)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary.Append(name, value);
        }
        return new IdentityHeaderVerifier(key, time, TimeSpan.FromSeconds(60)).Verify(dictionary);
    }

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
        var time = new FakeTimeProvider();
        var cache = new UserFactsCache(time);
        var signer = new IdentityHeaderSigner(Key);
        var teacher = cache.For(User("larare"));

        var principal = cache.For(User("rektor"));
        var renamed = cache.For(User("larare", "Annika"));

        Assert.NotSame(teacher, principal);
        Assert.Equal(["rektor"], principal.Attributes.Roles);
        Assert.Equal(["rektor"], Verify(principal.SignedHeaders(Echo, signer, time.GetUtcNow()), time).Attributes["roles"]);
        Assert.Equal(["Annika"], Verify(renamed.SignedHeaders(Echo, signer, time.GetUtcNow()), time).Attributes["given_name"]);
    }

    [Fact]
    public void A_new_release_list_or_key_takes_effect_at_once()
    {
        var time = new FakeTimeProvider();
        var facts = new UserFactsCache(time).For(User());
        var signer = new IdentityHeaderSigner(Key);
        Assert.Equal(["given_name", "roles"], Verify(facts.SignedHeaders(Echo, signer, time.GetUtcNow()), time).Attributes.Keys.Order());

        // The register narrows the release list: the next feed's system object.
        var narrowed = Echo with { Release = ["given_name"] };
        Assert.Equal(["given_name"], Verify(facts.SignedHeaders(narrowed, signer, time.GetUtcNow()), time).Attributes.Keys);

        // The backend's key is rotated in the gateway's configuration.
        const string newKey = "a-new-signing-key-for-the-echo-backend-9876543210";
        var rotated = facts.SignedHeaders(Echo, new IdentityHeaderSigner(newKey), time.GetUtcNow());
        Assert.True(Verify(rotated, time, newKey).IsValid);
        Assert.False(Verify(rotated, time).IsValid);
    }

    [Fact]
    public void Every_second_gets_its_own_timestamp_so_the_backends_freshness_check_still_bites()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var facts = new UserFactsCache(time).For(User());
        var signer = new IdentityHeaderSigner(Key);
        var first = facts.SignedHeaders(Echo, signer, time.GetUtcNow());

        time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Same(first, facts.SignedHeaders(Echo, signer, time.GetUtcNow()));

        time.Advance(TimeSpan.FromSeconds(61));
        var later = facts.SignedHeaders(Echo, signer, time.GetUtcNow());
        Assert.False(Verify(first, time).IsValid); // a captured request is too old now
        Assert.True(Verify(later, time).IsValid);
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds().ToString(), later.Single(h => h.Key == FederationHeaders.Timestamp).Value);
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
