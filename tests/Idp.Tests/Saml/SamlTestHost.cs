using System.Net;
using Federation.Core.Feed;
using Federation.Idp.Saml;
using Federation.Idp.Saml.Idp;
using Federation.Idp.Saml.Sp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Federation.Idp.Tests.Saml;

/// <summary>A register feed that does not change: the test decides which SPs exist.</summary>
public sealed class StaticFeedSource(FederationFeed feed) : IFederationFeedSource
{
    public FederationFeed? Current { get; set; } = feed;
    public DateTimeOffset? LastSuccess => DateTimeOffset.UtcNow;
    public string? LastError => null;
    public IChangeToken GetChangeToken() => new CancellationChangeToken(CancellationToken.None);
    public Task<FederationFeed> WaitForFirstAsync(CancellationToken cancellationToken) => Task.FromResult(Current!);
}

/// <summary>
/// The test seam for the idp's sign-in session: "this user is signed in". Its login page
/// (<c>/test-login</c>) signs the user in again, now, at the level asked for, like the real one.
/// </summary>
public sealed class TestSignInSession(TimeProvider time) : ISamlSignInSession
{
    public SamlSubject? Current { get; set; }
    public List<SamlChallenge> Challenges { get; } = [];

    public Task<SamlSubject?> GetCurrentAsync(HttpContext context) => Task.FromResult(Current);

    /// <summary>Each release the IdP reported: the SP's system and the attribute names.</summary>
    public List<(string SystemId, IReadOnlyList<string> Attributes)> Releases { get; } = [];

    public Task ReleasedAsync(HttpContext context, SamlSubject subject, RegisteredSp sp, IReadOnlyList<string> attributes)
    {
        Releases.Add((sp.SystemId, attributes));
        return Task.CompletedTask;
    }

    public Task<IResult> ChallengeAsync(HttpContext context, SamlChallenge challenge)
    {
        Challenges.Add(challenge);
        return Task.FromResult<IResult>(TypedResults.Redirect($"/test-login?level={challenge.MinimumAssuranceLevel}&returnUrl={Uri.EscapeDataString(challenge.ReturnUrl)}"));
    }

    /// <summary>What the real login page does after a successful password / MFA check.</summary>
    public IResult Login(string level, string returnUrl)
    {
        var subject = Current ?? TestSubjects.Anna;
        Current = subject with { AuthenticatedAt = time.GetUtcNow(), AssuranceLevel = level };
        return TypedResults.Redirect(returnUrl);
    }
}

/// <summary>Accepts the upstream identity as the idp would, and shows it, for the ACS tests.</summary>
public sealed class TestUpstreamSignIn : ISamlUpstreamSignIn
{
    public List<SamlAssertionIdentity> SignedIn { get; } = [];

    public Task<IResult> SignInAsync(HttpContext context, SamlAssertionIdentity identity)
    {
        SignedIn.Add(identity);
        return Task.FromResult<IResult>(TypedResults.Ok(new { identity.NameId, identity.ReturnUrl }));
    }
}

public static class TestSubjects
{
    public static readonly SamlSubject Anna = new(
        "7f1c2b9e-anna",
        DateTimeOffset.UtcNow.AddMinutes(-10),
        "loa2",
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["given_name"] = ["Anna"],
            ["family_name"] = ["Lärare"],
            ["display_name"] = ["Anna Lärare"],
            ["email"] = ["anna.larare@skola.example.se"],
            ["eppn"] = ["anna.larare@skola.example.se"],
            ["personnummer"] = ["198001012384"],
            ["roles"] = ["larare"],
            ["school_units"] = ["41526371"],
            ["affiliation"] = ["employee@skola.example.se"],
        });
}

/// <summary>
/// The SAML endpoints on real Kestrel (127.0.0.1, a free port), wired exactly as the idp wires
/// them, with the test sign-in session and a static feed.
/// </summary>
public sealed class SamlTestHost : IAsyncDisposable
{
    public const string SchoolsoftEntityId = "https://schoolsoft.test/sp";
    public const string GoogleEntityId = "https://google.test/sp";

    private SamlTestHost(WebApplication app, Uri origin)
    {
        App = app;
        Origin = origin;
    }

    public WebApplication App { get; }
    public Uri Origin { get; }
    public TestSignInSession Session => App.Services.GetRequiredService<TestSignInSession>();
    public TestUpstreamSignIn UpstreamSignIn => App.Services.GetRequiredService<TestUpstreamSignIn>();
    public StaticFeedSource Feed => App.Services.GetRequiredService<StaticFeedSource>();
    public string IdpEntityId => new Uri(Origin, "/saml").AbsoluteUri;

    public HttpClient Client(bool followRedirects = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = false }) { BaseAddress = Origin };

    /// <summary>A client that keeps cookies in <paramref name="cookies"/>, as one browser does.</summary>
    public HttpClient Browser(CookieContainer cookies) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies }) { BaseAddress = Origin };

    public static FeedSystem SamlSystem(string id, string entityId, string acsUrl, IReadOnlyList<string> release,
        string nameIdFormat = SamlNames.NameIdPersistent, string? certificate = null, FeedAccessPolicy? access = null) =>
        new(id, id, LifecyclePhase.AnvandningOchSupport, access ?? new FeedAccessPolicy([], [], [], "loa2"), release,
            SamlSp: new FeedSamlSp(entityId, acsUrl, certificate, null, nameIdFormat));

    public static FederationFeed DefaultFeed() => new(1, DateTimeOffset.UtcNow,
    [
        SamlSystem("schoolsoft", SchoolsoftEntityId, "https://schoolsoft.test/acs", ["eppn", "school_units", "given_name"],
            certificate: Convert.ToBase64String(TestKeys.DownstreamSp.RawData)),
        SamlSystem("google", GoogleEntityId, "https://google.test/acs", ["email"], nameIdFormat: SamlNames.NameIdEmail),
    ]);

    /// <summary>The entity ids carry the origin, so the port is chosen before the start (retried if taken meanwhile).</summary>
    public static Task<SamlTestHost> StartAsync(
        string directory, string connectionString, FederationFeed? feed = null, Dictionary<string, string?>? settings = null) =>
        Loopback.StartOnFreePortAsync(port => StartOnAsync(port, directory, connectionString, feed, settings));

    private static async Task<SamlTestHost> StartOnAsync(
        int port, string directory, string connectionString, FederationFeed? feed, Dictionary<string, string?>? settings)
    {
        var origin = new Uri($"http://127.0.0.1:{port}");
        var upstreamMetadata = Path.Combine(directory, $"upstream-{Guid.NewGuid():n}.xml");
        await File.WriteAllTextAsync(upstreamMetadata,
            SamlMetadataWriter.Idp(SamlSpHarness.UpstreamEntityId, new Uri("https://upstream.test/sso"), TestKeys.Upstream));

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls(origin.AbsoluteUri);
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        var configuration = new Dictionary<string, string?>
        {
            ["Saml:IdpEntityId"] = new Uri(origin, "/saml").AbsoluteUri,
            ["Saml:SpEntityId"] = new Uri(origin, "/saml/sp").AbsoluteUri,
            ["Saml:PublicOrigin"] = origin.AbsoluteUri,
            ["Saml:ConnectionString"] = connectionString,
            ["Saml:GeneratedKeySize"] = "2048",
            ["Saml:Upstreams:0:Name"] = "upstream",
            ["Saml:Upstreams:0:MetadataPath"] = upstreamMetadata,
        };
        foreach (var (key, value) in settings ?? [])
        {
            configuration[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(configuration);

        // What the idp's Program.cs does:
        builder.Services.AddFederationSaml(builder.Configuration.GetSection("Saml"));
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(directory, "keys"))).SetApplicationName("federation-idp-tests");
        builder.Services.AddSingleton(new StaticFeedSource(feed ?? DefaultFeed()));
        builder.Services.AddSingleton<IFederationFeedSource>(p => p.GetRequiredService<StaticFeedSource>());
        builder.Services.AddSingleton<TestSignInSession>();
        builder.Services.AddSingleton<ISamlSignInSession>(p => p.GetRequiredService<TestSignInSession>());
        builder.Services.AddSingleton<TestUpstreamSignIn>();
        builder.Services.AddSingleton<ISamlUpstreamSignIn>(p => p.GetRequiredService<TestUpstreamSignIn>());

        var app = builder.Build();
        app.MapSamlEndpoints();
        app.MapGet("/test-login", (string level, string returnUrl, TestSignInSession session) => session.Login(level, returnUrl));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new SamlTestHost(app, origin);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
