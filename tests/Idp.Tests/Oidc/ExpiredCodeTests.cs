using Federation.Idp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Idp.Tests.Oidc;

/// <summary>
/// An idp on a clock the test turns: OpenIddict takes its time from the container's
/// <see cref="TimeProvider"/> (OpenIddictServerOptions.TimeProvider is resolved from there when
/// not set), so a code's lifetime passes without waiting for it.
/// </summary>
public sealed class FakeClockIdpHost : IdpHost
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(1);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new("Idp:AuthorizationCodeLifetime", CodeLifetime.ToString())];

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
}

public sealed class ExpiredCodeTests(FakeClockIdpHost idp) : IClassFixture<FakeClockIdpHost>
{
    private async Task<(string Code, string Verifier)> CodeAsync(RelyingParty rp)
    {
        var (verifier, challenge) = RelyingParty.Pkce();
        return (RelyingParty.Query(await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge)))["code"], verifier);
    }

    [Fact]
    public async Task A_code_redeems_until_its_lifetime_is_over_and_is_refused_after()
    {
        using var rp = new RelyingParty(idp, TestSystems.PortalId, TestSystems.PortalSecret, TestSystems.PortalRedirect);

        var (fresh, freshVerifier) = await CodeAsync(rp);
        idp.Clock.Advance(FakeClockIdpHost.CodeLifetime - TimeSpan.FromSeconds(5));
        Assert.Null((await rp.RedeemAsync(fresh, freshVerifier)).Error);

        var (old, oldVerifier) = await CodeAsync(rp);
        idp.Clock.Advance(FakeClockIdpHost.CodeLifetime + TimeSpan.FromSeconds(1));
        Assert.Equal("invalid_grant", (await rp.RedeemAsync(old, oldVerifier)).Error);
    }
}
