using System.Text;
using System.Xml;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Idp;
using Federation.Idp.Saml.Sp;
using Federation.Idp.Saml.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Federation.Idp.Tests.Saml;

/// <summary>A real SQLite database (and the data-protection key ring) shared by one test class.</summary>
public sealed class SamlDatabaseFixture : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "federation-saml-tests", Guid.NewGuid().ToString("n"));

    public SamlDatabaseFixture() => System.IO.Directory.CreateDirectory(Directory);

    public string ConnectionString => $"Data Source={Path.Combine(Directory, "saml.db")}";

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// Our SP side, as the idp runs it (same DI registrations, real database), with a fake clock and
/// a test upstream IdP configured by a metadata file.
/// </summary>
public sealed class SamlSpHarness : IAsyncDisposable
{
    public const string SpEntityId = "https://idp.test/saml/sp";
    public const string IdpEntityId = "https://idp.test/saml";
    public const string UpstreamEntityId = "https://upstream.test/idp";
    public static readonly Uri Origin = new("https://idp.test");

    private SamlSpHarness(ServiceProvider services, FakeTimeProvider time)
    {
        Services = services;
        Time = time;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> bindings = new(StringComparer.Ordinal);

    public ServiceProvider Services { get; }
    public FakeTimeProvider Time { get; }
    public Uri AcsUrl => new(Origin, SamlEndpoints.SpAcsPath);

    public static async Task<SamlSpHarness> CreateAsync(
        string directory, string connectionString, string provider = "sqlite", Action<IServiceCollection>? configure = null,
        string upstreamEntityId = UpstreamEntityId, System.Security.Cryptography.X509Certificates.X509Certificate2? upstreamCertificate = null, Uri? upstreamSso = null,
        string upstreamName = "upstream")
    {
        var metadata = Path.Combine(directory, $"upstream-{Guid.NewGuid():n}.xml");
        await File.WriteAllTextAsync(metadata, SamlMetadataWriter.Idp(upstreamEntityId, upstreamSso ?? new Uri("https://upstream.test/sso"), upstreamCertificate ?? TestKeys.Upstream));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Saml:IdpEntityId"] = IdpEntityId,
            ["Saml:SpEntityId"] = SpEntityId,
            ["Saml:PublicOrigin"] = Origin.AbsoluteUri,
            ["Saml:ClockSkew"] = "00:03:00",
            ["Saml:GeneratedKeySize"] = "2048",
            ["Saml:MaxMessageAge"] = "00:10:00",
            ["Saml:DatabaseProvider"] = provider,
            ["Saml:ConnectionString"] = connectionString,
            ["Saml:Upstreams:0:Name"] = upstreamName,
            ["Saml:Upstreams:0:MetadataPath"] = metadata,
            ["Saml:Upstreams:1:Name"] = "strict",
            ["Saml:Upstreams:1:MetadataPath"] = metadata,
            ["Saml:Upstreams:1:ForceAuthn"] = "true",
            ["Saml:Upstreams:1:RequestedAuthnContext:0"] = SamlNames.Loa3,
        }).Build();

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(time);
        services.AddFederationSaml(configuration.GetSection("Saml"));
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(directory, "keys"))).SetApplicationName("federation-idp-tests");
        configure?.Invoke(services);
        var provider_ = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        using (var scope = provider_.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<SamlDbContext>().Database.MigrateAsync();
        }
        return new SamlSpHarness(provider_, time);
    }

    /// <summary>Sends an AuthnRequest to the named upstream (stored in the database) and returns its ID.</summary>
    public async Task<string> NewRequestAsync(string upstream = "upstream", string returnUrl = "/after")
    {
        using var scope = Services.CreateScope();
        var request = await scope.ServiceProvider.GetRequiredService<SamlAuthnRequestSender>().CreateAsync(upstream, returnUrl);
        bindings[request.RequestId] = request.BrowserBinding;
        return request.RequestId;
    }

    /// <summary>Validates as the one browser that started every request of this harness (the binding cookie itself is tested over HTTP).</summary>
    public async Task<SamlValidationResult> ValidateAsync(string samlResponse, Func<string, string?>? presentedBinding = null)
    {
        using var scope = Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SamlResponseValidator>().ValidateAsync(samlResponse, AcsUrl, presentedBinding ?? BindingOf);
    }

    /// <summary>The browser binding of a request this harness sent, or null.</summary>
    public string? BindingOf(string requestId) => bindings.GetValueOrDefault(requestId);

    public async Task<System.Security.Cryptography.X509Certificates.X509Certificate2> EncryptionCertificateAsync() =>
        await Services.GetRequiredService<SamlKeyStore>().GetEncryptionCertificateAsync();

    /// <summary>What a well-behaved upstream IdP would assert for <paramref name="requestId"/>, now.</summary>
    public AssertionContent Content(string? requestId) => new(
        UpstreamEntityId,
        AcsUrl.AbsoluteUri,
        requestId,
        SpEntityId,
        "anna.larare@skola.example.se",
        SamlNames.NameIdPersistent,
        Time.GetUtcNow(),
        TimeSpan.FromMinutes(5),
        Time.GetUtcNow().AddSeconds(-30),
        SamlNames.Loa3,
        [
            new SamlAttribute("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName", ["anna.larare@skola.example.se"]),
            new SamlAttribute("urn:oid:1.2.752.194.10.2.4", "sisSchoolUnitCode", ["41526371"]),
        ]);

    public static string Encode(XmlDocument document) => Convert.ToBase64String(Encoding.UTF8.GetBytes(document.OuterXml));

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
