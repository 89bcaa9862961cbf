using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Idp.Infrastructure;
using Federation.Idp.Keys;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Server;

namespace Federation.Idp.Tests.Keys;

/// <summary>
/// The rotation schedule on a real SQLite database with a controlled clock; OpenIddict's own
/// options pipeline decides which key signs, as it does in the running idp.
/// </summary>
public sealed class KeyRingTests : IAsyncLifetime
{
    private static readonly KeyRingOptions Schedule = new()
    {
        ActiveFor = TimeSpan.FromDays(30),
        PublishAhead = TimeSpan.FromDays(2),
        RetainAfterRetirement = TimeSpan.FromDays(15),
        RefreshInterval = TimeSpan.FromMinutes(1),
    };

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"keyring-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = Build();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdpDbContext>().Database.MigrateAsync();
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(_time);
        services.AddDbContext<SqliteIdpDbContext>(o => o.UseSqlite($"Data Source={_file}"));
        services.AddScoped<IdpDbContext>(sp => sp.GetRequiredService<SqliteIdpDbContext>());
        services.AddDataProtection().SetApplicationName("federation-idp").PersistKeysToDbContext<IdpDbContext>();
        services.AddSingleton(Options.Create(Schedule));
        services.AddSingleton<KeyRing>();
        services.AddOpenIddict()
            .AddCore(c => c.UseEntityFrameworkCore().UseDbContext<IdpDbContext>())
            .AddServer(s =>
            {
                s.SetTokenEndpointUris("connect/token").AllowClientCredentialsFlow().DisableAccessTokenEncryption();
                s.Configure(o => o.TimeProvider = _time);
            });
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(sp =>
            new ConfigureOptions<OpenIddictServerOptions>(o => sp.GetRequiredService<KeyRing>().Configure(o)));
        return services.BuildServiceProvider();
    }

    private KeyRing Ring => _services.GetRequiredService<KeyRing>();

    /// <summary>The key OpenIddict signs with now.</summary>
    private string OpenIddictSigningKid() =>
        _services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.SigningCredentials.First().Key.KeyId;

    private string[] Published(string use = KeyUse.Signing) => [.. Ring.Keys.Where(k => k.Use == use).Select(k => k.Id)];

    [Fact]
    public async Task The_next_key_is_published_before_it_signs_and_the_old_one_stays_until_its_tokens_expired()
    {
        await Ring.RefreshAsync(default);
        var first = Ring.CurrentSigningKey.Id;
        Assert.Equal([first], Published());
        Assert.Equal(first, OpenIddictSigningKid());

        // Two days before the first retires: the next one appears, but does not sign yet.
        _time.Advance(Schedule.ActiveFor - Schedule.PublishAhead + TimeSpan.FromHours(1));
        await Ring.RefreshAsync(default);
        var next = Assert.Single(Published(), k => k != first);
        Assert.Equal(first, Ring.CurrentSigningKey.Id);
        Assert.Equal(first, OpenIddictSigningKid());

        // The first retires: the next one signs, the first is still published for its tokens.
        _time.Advance(Schedule.PublishAhead);
        await Ring.RefreshAsync(default);
        Assert.Equal(next, Ring.CurrentSigningKey.Id);
        Assert.Equal(next, OpenIddictSigningKid());
        Assert.Contains(first, Published());

        // Past its retention the first leaves JWKS and the database.
        _time.Advance(Schedule.RetainAfterRetirement + TimeSpan.FromHours(1));
        await Ring.RefreshAsync(default);
        Assert.DoesNotContain(first, Published());
        Assert.Equal(next, OpenIddictSigningKid());
    }

    /// <summary>Every key OpenIddict publishes in JWKS and validates with.</summary>
    private string[] OpenIddictPublishedKids() =>
        [.. _services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.SigningCredentials.Select(c => c.Key.KeyId)];

    [Fact]
    public async Task The_EC_key_rotates_on_the_same_schedule_and_never_becomes_OpenIddicts_default()
    {
        await Ring.RefreshAsync(default);
        var first = Ring.CurrentEcSigningKey.Id;
        Assert.Equal([first], Published(KeyUse.EcSigning));
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value,
            Ring.CurrentEcSigningKey.Certificate.GetECDsaPublicKey()!.ExportParameters(false).Curve.Oid.Value);
        Assert.Contains(first, OpenIddictPublishedKids());
        // ID tokens (and whatever else OpenIddict signs by default) keep the RSA key.
        Assert.Equal(Ring.CurrentSigningKey.Id, OpenIddictSigningKid());

        // Published ahead: in JWKS, not signing yet.
        _time.Advance(Schedule.ActiveFor - Schedule.PublishAhead + TimeSpan.FromHours(1));
        await Ring.RefreshAsync(default);
        var next = Assert.Single(Published(KeyUse.EcSigning), k => k != first);
        Assert.Equal(first, Ring.CurrentEcSigningKey.Id);
        Assert.Contains(next, OpenIddictPublishedKids());
        Assert.Equal(Ring.CurrentSigningKey.Id, OpenIddictSigningKid());

        // Rotated: the next one signs, the first still validates its tokens.
        _time.Advance(Schedule.PublishAhead);
        await Ring.RefreshAsync(default);
        Assert.Equal(next, Ring.CurrentEcSigningKey.Id);
        Assert.Contains(first, OpenIddictPublishedKids());
        Assert.Equal(Ring.CurrentSigningKey.Id, OpenIddictSigningKid());

        // Past its retention it is gone.
        _time.Advance(Schedule.RetainAfterRetirement + TimeSpan.FromHours(1));
        await Ring.RefreshAsync(default);
        Assert.DoesNotContain(first, Published(KeyUse.EcSigning));
        Assert.DoesNotContain(first, OpenIddictPublishedKids());
        Assert.Equal(Ring.CurrentSigningKey.Id, OpenIddictSigningKid());
    }

    [Fact]
    public async Task Another_replica_on_the_same_database_loads_the_same_keys()
    {
        await Ring.RefreshAsync(default);
        await using var replica = Build();

        await replica.GetRequiredService<KeyRing>().RefreshAsync(default);

        Assert.Equal(Ring.CurrentSigningKey.Id, replica.GetRequiredService<KeyRing>().CurrentSigningKey.Id);
        Assert.Equal(Ring.CurrentEncryptionKey.Id, replica.GetRequiredService<KeyRing>().CurrentEncryptionKey.Id);
        Assert.Equal(Ring.CurrentEcSigningKey.Id, replica.GetRequiredService<KeyRing>().CurrentEcSigningKey.Id);
        Assert.Equal(Published(), replica.GetRequiredService<KeyRing>().Keys.Where(k => k.Use == KeyUse.Signing).Select(k => k.Id));
    }

    [Fact]
    public async Task Private_keys_are_not_stored_in_the_clear()
    {
        await Ring.RefreshAsync(default);
        await using var scope = _services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IdpDbContext>().KeyRing.ToListAsync();

        Assert.All(stored, k => Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(k.ProtectedPkcs12, null)));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
