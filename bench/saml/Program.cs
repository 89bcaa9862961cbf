// Responses signed and validated per second, on this machine.
// Run: dotnet run -c Release --project bench/saml [-- --seconds 3]
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Idp;
using Federation.Idp.Saml.Sp;
using Federation.Idp.Saml.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var seconds = args.Length == 2 && args[0] == "--seconds" ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3.0;
var directory = Directory.CreateTempSubdirectory("saml-bench-").FullName;
const string upstreamEntityId = "https://upstream.bench/idp";
const string spEntityId = "https://idp.bench/saml/sp";
var origin = new Uri("https://idp.bench");

var key2048 = Certificate(2048);
var key3072 = Certificate(3072);
var metadata = Path.Combine(directory, "upstream.xml");
File.WriteAllText(metadata, SamlMetadataWriter.Idp(upstreamEntityId, new Uri("https://upstream.bench/sso"), key2048));

var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Saml:SpEntityId"] = spEntityId,
    ["Saml:PublicOrigin"] = origin.AbsoluteUri,
    ["Saml:ConnectionString"] = $"Data Source={Path.Combine(directory, "saml.db")}",
    ["Saml:Upstreams:0:Name"] = "upstream",
    ["Saml:Upstreams:0:MetadataPath"] = metadata,
}).Build();
var services = new ServiceCollection()
    .AddLogging(b => b.SetMinimumLevel(LogLevel.Error))
    .AddFederationSaml(configuration.GetSection("Saml"));
services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(directory, "keys")));
await using var provider = services.BuildServiceProvider();
using (var scope = provider.CreateScope())
{
    await scope.ServiceProvider.GetRequiredService<SamlDbContext>().Database.MigrateAsync();
}
var acs = new Uri(origin, SamlEndpoints.SpAcsPath);

AssertionContent Content(string? requestId) => new(
    upstreamEntityId, acs.AbsoluteUri, requestId, spEntityId, "anna.larare@skola.example.se", SamlNames.NameIdPersistent,
    DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow, SamlNames.Loa2,
    [
        new SamlAttribute("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName", ["anna.larare@skola.example.se"]),
        new SamlAttribute("urn:oid:1.2.752.194.10.2.4", "sisSchoolUnitCode", ["41526371"]),
        new SamlAttribute("urn:oid:2.5.4.42", "givenName", ["Anna"]),
    ]);

// What the IdP does per sign-in: write the response, sign the assertion, sign the response, serialize.
string SignedResponse(X509Certificate2 certificate, string? requestId)
{
    var document = SamlMessageWriter.Response(Content(requestId));
    EnvelopedSignature.Sign(document.DocumentElement!.ChildNodes.OfType<System.Xml.XmlElement>().Last(), certificate);
    EnvelopedSignature.Sign(document.DocumentElement!, certificate);
    return Convert.ToBase64String(Encoding.UTF8.GetBytes(document.OuterXml));
}

var rows = new List<(string Operation, int Count, double PerSecond)>();
void Measure(string operation, Func<int, Task> body, Func<int, Task>? prepare = null) =>
    rows.Add(Run(operation, body, prepare).GetAwaiter().GetResult());

async Task<(string, int, double)> Run(string operation, Func<int, Task> body, Func<int, Task>? prepare)
{
    // Warm up, then count whole operations for the given time.
    for (var i = 0; i < 3; i++)
    {
        if (prepare is not null) { await prepare(-1 - i); }
        await body(-1 - i);
    }
    var count = 0;
    var measured = TimeSpan.Zero;
    while (measured.TotalSeconds < seconds)
    {
        if (prepare is not null) { await prepare(count); }
        var watch = Stopwatch.StartNew();
        await body(count);
        measured += watch.Elapsed;
        count++;
    }
    return (operation, count, count / measured.TotalSeconds);
}

Measure("sign response + assertion (RSA-2048, SHA-256)", _ => { SignedResponse(key2048, "_r"); return Task.CompletedTask; });
Measure("sign response + assertion (RSA-3072, SHA-256)", _ => { SignedResponse(key3072, "_r"); return Task.CompletedTask; });

var verifyInput = SignedResponse(key2048, "_r");
Measure("verify both signatures only (no database)", _ =>
{
    var document = SecureXml.Load(Encoding.UTF8.GetString(Convert.FromBase64String(verifyInput)), 1_000_000);
    var assertion = document.DocumentElement!.ChildNodes.OfType<System.Xml.XmlElement>().Last();
    if (EnvelopedSignature.Verify(document.DocumentElement!, [key2048]) is not null || EnvelopedSignature.Verify(assertion, [key2048]) is not null)
    {
        throw new InvalidOperationException("bench response does not verify");
    }
    return Task.CompletedTask;
});

// The full pipeline, every check and both database writes (replay cache, request used), SQLite.
var pending = new Dictionary<int, (string Response, string Binding)>();
Measure("validate (full pipeline, SQLite)", async i =>
{
    using var scope = provider.CreateScope();
    var result = await scope.ServiceProvider.GetRequiredService<SamlResponseValidator>().ValidateAsync(pending[i].Response, acs, _ => pending[i].Binding);
    if (!result.Succeeded)
    {
        throw new InvalidOperationException($"bench response refused: {result.Check} {result.Reason}");
    }
}, async i =>
{
    using var scope = provider.CreateScope();
    var (_, requestId, binding) = await scope.ServiceProvider.GetRequiredService<SamlAuthnRequestSender>().CreateAsync("upstream", "/");
    pending[i] = (SignedResponse(key2048, requestId), binding);
});

Console.WriteLine($"SAML benchmark: {Environment.ProcessorCount} cores, {seconds:0.#} s per row, .NET {Environment.Version}");
Console.WriteLine();
Console.WriteLine($"| {"operation",-48} | {"count",7} | {"per second",10} |");
Console.WriteLine($"|{new string('-', 50)}|{new string('-', 9)}|{new string('-', 12)}|");
foreach (var (operation, count, perSecond) in rows)
{
    Console.WriteLine($"| {operation,-48} | {count,7} | {perSecond,10:0.0} |");
}
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(directory, recursive: true);

static X509Certificate2 Certificate(int bits)
{
    using var rsa = RSA.Create(bits);
    var request = new CertificateRequest("CN=bench", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
