using System.Security.Claims;
using Federation.Gateway.Identity;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Gateway.Tests.Identity;

public sealed class ValidatedTokenCacheTests
{
    private static ClaimsPrincipal Anna() => new(new ClaimsIdentity([new Claim("sub", "anna.larare")], "Bearer"));

    [Fact]
    public void A_remembered_token_is_found_as_a_copy()
    {
        var cache = new ValidatedTokenCache(new FakeTimeProvider());
        var principal = Anna();
        cache.Remember("token-a", principal, DateTimeOffset.MaxValue);

        var found = cache.Find("token-a");

        Assert.Equal("anna.larare", found!.FindFirst("sub")!.Value);
        Assert.NotSame(principal, found);
        Assert.Null(cache.Find("token-b"));
    }

    [Fact]
    public void A_claim_added_to_one_requests_user_is_not_in_the_next_ones()
    {
        var cache = new ValidatedTokenCache(new FakeTimeProvider());
        cache.Remember("token", Anna(), DateTimeOffset.MaxValue);

        cache.Find("token")!.Identities.First().AddClaim(new Claim("roles", "register-admin"));

        Assert.False(cache.Find("token")!.HasClaim("roles", "register-admin"));
    }

    [Fact]
    public void A_token_is_forgotten_at_its_own_expiry()
    {
        var time = new FakeTimeProvider();
        var cache = new ValidatedTokenCache(time);
        cache.Remember("token", Anna(), time.GetUtcNow().AddSeconds(10));

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(cache.Find("token"));
    }

    [Fact]
    public void A_token_is_validated_again_after_the_cache_age()
    {
        var time = new FakeTimeProvider();
        var cache = new ValidatedTokenCache(time);
        cache.Remember("token", Anna(), time.GetUtcNow().AddHours(1));

        time.Advance(ValidatedTokenCache.MaxAge);

        Assert.Null(cache.Find("token"));
    }
}
