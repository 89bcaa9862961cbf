using System.Diagnostics.Metrics;
using System.Net;
using Federation.Core.Feed;
using Federation.Core.Secrets;
using Federation.Idp.Identity;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Idp.Tests.Oidc;

/// <summary>An idp with a client of its own (for metrics no other test produces) and a short absolute refresh lifetime.</summary>
public sealed class RefreshIdpHost : IdpHost
{
    public const string MetricsClient = "refresh-metrics";
    public const string MetricsSecret = "refresh-metrics-secret-1234";

    protected override FederationFeed InitialFeed()
    {
        var feed = TestSystems.Feed();
        return feed with
        {
            Systems = [.. feed.Systems, new FeedSystem("refresh-metrics", "Mätningar", LifecyclePhase.AnvandningOchSupport,
                new FeedAccessPolicy([], [], [], "loa2"), ["roles"],
                new FeedOidcClient(MetricsClient, ClientSecretHash.Create(MetricsSecret), [TestSystems.Redirect], [], ["authorization_code", "refresh_token", "client_credentials"], []))],
        };
    }

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Idp:RefreshTokenLifetime", "00:00:05"),
        new("Idp:RefreshTokenAbsoluteLifetime", "00:00:06"),
    ];
}

/// <summary>
/// A refresh is a new decision about the person: claims reloaded from the account, the register's
/// access policy applied again, an absolute end however often the token is rotated.
/// </summary>
public sealed class RefreshReloadTests(RefreshIdpHost idp) : IClassFixture<RefreshIdpHost>
{
    [Fact]
    public async Task A_role_removed_from_a_person_is_gone_from_the_next_token_and_refused_where_it_was_needed()
    {
        var user = await CreateAsync("rita.refresh", ["larare", "mentor"]);
        using var portal = new RelyingParty(idp, TestSystems.LikaId, TestSystems.LikaSecret, TestSystems.Redirect);
        var tokens = await SignInAsync(portal, user);
        Assert.Equal(["larare", "mentor"], Roles(tokens.AccessToken!));

        await RemoveRoleAsync(user, "mentor");
        var refreshed = await portal.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Equal(["larare"], Roles(refreshed.AccessToken!));

        // LIKA is for teachers and principals: without larare the next refresh is refused.
        await RemoveRoleAsync(user, "larare");
        Assert.Equal("invalid_grant", (await portal.RefreshAsync(refreshed.RefreshToken!)).Error);
    }

    [Fact]
    public async Task A_locked_or_deleted_account_gets_no_refresh()
    {
        foreach (var deleted in new[] { false, true })
        {
            var user = await CreateAsync(deleted ? "dora.deleted" : "lars.locked", ["larare"]);
            using var rp = new RelyingParty(idp, TestSystems.LikaId, TestSystems.LikaSecret, TestSystems.Redirect);
            var tokens = await SignInAsync(rp, user);

            using (var scope = idp.Services.CreateScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
                var account = (await users.FindByNameAsync(user))!;
                var result = deleted ? await users.DeleteAsync(account) : await users.SetLockoutEndDateAsync(account, DateTimeOffset.UtcNow.AddHours(1));
                Assert.True(result.Succeeded);
            }

            Assert.Equal("invalid_grant", (await rp.RefreshAsync(tokens.RefreshToken!)).Error);
        }
    }

    [Fact]
    public async Task Rotation_does_not_extend_a_refresh_token_past_its_absolute_lifetime()
    {
        using var rp = new RelyingParty(idp, RefreshIdpHost.MetricsClient, RefreshIdpHost.MetricsSecret, TestSystems.Redirect);
        var tokens = await SignInAsync(rp, "anna.larare");
        // The absolute end counts from the sign-in time the tokens carry (auth_time, whole seconds),
        // and a token's exp is whole seconds too: the end falls between 5 and 6 s after auth_time.
        var signedInAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(
            new JsonWebToken(tokens.IdToken!).GetClaim("auth_time").Value, System.Globalization.CultureInfo.InvariantCulture));
        var current = tokens.RefreshToken!;
        DateTimeOffset? refusedAt = null;
        string? refusal = null;
        // Rotated every second, each new token would slide 5 s on, but the sign-in ends at 6 s.
        for (var i = 0; i < 20 && refusedAt is null; i++)
        {
            await Task.Delay(1000);
            var next = await rp.RefreshAsync(current);
            if (next.Error == "invalid_grant")
            {
                refusedAt = DateTimeOffset.UtcNow;
                refusal = next.Body.ToString();
            }
            current = next.RefreshToken ?? current;
        }
        Assert.True(refusedAt is not null, "a refresh token rotated every second lived on past the absolute lifetime");
        Assert.True(refusedAt - signedInAt >= TimeSpan.FromSeconds(5), $"refused {(refusedAt - signedInAt)?.TotalSeconds:0.0} s after signing in, before the absolute lifetime was over: {refusal}");
    }

    [Fact]
    public async Task Tokens_issued_and_login_duration_are_measured_per_client()
    {
        var tokens = new List<(string Grant, long Count)>();
        var durations = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Federation.Idp" && instrument.Name is "federation.idp.tokens" or "federation.idp.sign_in.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "client") == RefreshIdpHost.MetricsClient)
            {
                lock (tokens)
                {
                    tokens.Add((Tag(tags, "grant_type")!, value));
                }
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "client") == RefreshIdpHost.MetricsClient)
            {
                lock (durations)
                {
                    durations.Add(value);
                }
            }
        });
        listener.Start();

        using var rp = new RelyingParty(idp, RefreshIdpHost.MetricsClient, RefreshIdpHost.MetricsSecret, TestSystems.Redirect);
        var signedIn = await SignInAsync(rp, "elin.elev");
        Assert.Equal(HttpStatusCode.OK, (await rp.RefreshAsync(signedIn.RefreshToken!)).Status);
        Assert.Equal(HttpStatusCode.OK, (await rp.ClientCredentialsAsync("")).Status);

        lock (tokens)
        {
            Assert.Equal(1, tokens.Where(t => t.Grant == "authorization_code").Sum(t => t.Count));
            Assert.Equal(1, tokens.Where(t => t.Grant == "refresh_token").Sum(t => t.Count));
            Assert.Equal(1, tokens.Where(t => t.Grant == "client_credentials").Sum(t => t.Count));
        }
        lock (durations)
        {
            var duration = Assert.Single(durations);
            Assert.InRange(duration, 0, 3600);
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }
        return null;
    }

    private static string[] Roles(string jwt)
    {
        var token = new JsonWebToken(jwt);
        return [.. token.Claims.Where(c => c.Type == "roles").Select(c => c.Value).Order(StringComparer.Ordinal)];
    }

    private static async Task<TokenResponse> SignInAsync(RelyingParty rp, string user)
    {
        var (verifier, challenge) = RelyingParty.Pkce();
        var callback = await rp.AuthorizeAsync(rp.AuthorizeUrl(challenge, "openid offline_access"), user);
        var tokens = await rp.RedeemAsync(RelyingParty.Query(callback)["code"], verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        return tokens;
    }

    private async Task<string> CreateAsync(string userName, string[] roles)
    {
        using var scope = idp.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        var user = new IdpUser { UserName = userName, Email = userName + "@skola.example.se", EmailConfirmed = true, LockoutEnabled = true };
        Assert.True((await users.CreateAsync(user, RelyingParty.DefaultPassword)).Succeeded);
        var claims = roles.Select(r => LocalAccounts.Claim(LocalAccounts.ClaimTypes.Role, r))
            .Append(LocalAccounts.Claim(LocalAccounts.ClaimTypes.SchoolUnit, DemoUsers.Bjorkskolan));
        Assert.True((await users.AddClaimsAsync(user, claims)).Succeeded);
        return userName;
    }

    private async Task RemoveRoleAsync(string userName, string role)
    {
        using var scope = idp.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>();
        var user = (await users.FindByNameAsync(userName))!;
        Assert.True((await users.RemoveClaimAsync(user, LocalAccounts.Claim(LocalAccounts.ClaimTypes.Role, role))).Succeeded);
    }
}
