using System.Security.Cryptography.X509Certificates;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Federation.Idp.Tests.Saml;

/// <summary>A PostgreSQL database of its own for this class, from FEDERATION_TEST_POSTGRES.</summary>
public sealed class SamlPostgresFixture : IAsyncLifetime
{
    private readonly string database = "saml_tests_" + Guid.NewGuid().ToString("n");
    private string? admin;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "federation-saml-pg", Guid.NewGuid().ToString("n"));
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        admin = Environment.GetEnvironmentVariable("FEDERATION_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException(
                "FEDERATION_TEST_POSTGRES is not set: it must name a PostgreSQL superuser connection (./test.sh sets it). PostgreSQL tests never skip.");
        }
        System.IO.Directory.CreateDirectory(Directory);
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (string.IsNullOrWhiteSpace(admin) || ConnectionString.Length == 0)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>The replay cache and request store hold across replicas on PostgreSQL too.</summary>
public sealed class SamlPostgresTests(SamlPostgresFixture database) : IClassFixture<SamlPostgresFixture>
{
    [Fact]
    public async Task Response_is_accepted_once_and_its_replay_refused_by_another_replica()
    {
        await using var first = await SamlSpHarness.CreateAsync(database.Directory, database.ConnectionString, provider: "postgres");
        await using var second = await SamlSpHarness.CreateAsync(database.Directory, database.ConnectionString, provider: "postgres");
        var id = await first.NewRequestAsync();
        var document = Forge.Response(first.Content(id));
        using var key = (await second.EncryptionCertificateAsync()).GetRSAPublicKey()!;
        Federation.Idp.Saml.Sp.AssertionDecryptor.Encrypt(Forge.Assertion(document), key, gcm: true);
        var encoded = SamlSpHarness.Encode(document);

        var accepted = await second.ValidateAsync(encoded, first.BindingOf); // the same browser, at another replica
        var replayed = await first.ValidateAsync(encoded);

        Assert.True(accepted.Succeeded, accepted.Reason);
        Assert.Equal(SamlReason.Replay, replayed.Reason);
    }

    [Fact]
    public async Task Replicas_share_the_generated_signing_and_encryption_keys()
    {
        await using var first = await SamlSpHarness.CreateAsync(database.Directory, database.ConnectionString, provider: "postgres");
        await using var second = await SamlSpHarness.CreateAsync(database.Directory, database.ConnectionString, provider: "postgres");
        var a = first.Services.GetRequiredService<SamlKeyStore>();
        var b = second.Services.GetRequiredService<SamlKeyStore>();

        Assert.Equal((await a.GetSigningCertificateAsync()).Thumbprint, (await b.GetSigningCertificateAsync()).Thumbprint);
        Assert.Equal((await a.GetEncryptionCertificateAsync()).Thumbprint, (await b.GetEncryptionCertificateAsync()).Thumbprint);
        Assert.NotEqual((await a.GetSigningCertificateAsync()).Thumbprint, (await a.GetEncryptionCertificateAsync()).Thumbprint);
        Assert.Equal(await a.GetPairwiseSecretAsync(), await b.GetPairwiseSecretAsync());
    }
}

/// <summary>The IdP side keeps pending requests on PostgreSQL too (a login may return to another replica).</summary>
public sealed class SamlPostgresIdentityProviderTests(SamlPostgresFixture database) : IClassFixture<SamlPostgresFixture>
{
    [Fact]
    public async Task Sign_in_started_on_one_replica_is_answered_by_another()
    {
        var postgres = new Dictionary<string, string?> { ["Saml:DatabaseProvider"] = "postgres" };
        await using var first = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString, settings: postgres);
        await using var second = await SamlTestHost.StartAsync(database.Directory, database.ConnectionString, settings: postgres);
        var request = SamlIdentityProviderTests.AuthnRequest(first, SamlTestHost.SchoolsoftEntityId, "https://schoolsoft.test/acs", forceAuthn: true);
        var challenge = await first.Client().GetAsync(SamlEndpoints.SsoPath + "?" + RedirectBinding.BuildQuery("SAMLRequest", request, "rs", null));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, challenge.StatusCode);
        var returnUrl = Uri.UnescapeDataString(challenge.Headers.Location!.OriginalString.Split("returnUrl=")[1]);

        second.Session.Current = TestSubjects.Anna with { AuthenticatedAt = DateTimeOffset.UtcNow.AddSeconds(1) };
        var (response, relay, _) = await SamlIdentityProviderTests.ReadPostAsync(second, await second.Client().GetAsync(returnUrl));

        Assert.Equal("rs", relay);
        Assert.Equal(SamlNames.StatusSuccess, response.GetElementsByTagName("StatusCode", SamlNames.Protocol)[0]!.Attributes!["Value"]!.Value);
    }
}
