using Federation.Gateway.Forwarding;

namespace Federation.Gateway.Tests.Infrastructure;

/// <summary>What a backend saw of one request.</summary>
public sealed record EchoResponse(
    string Backend,
    string Path,
    string Query,
    string? Prefix,
    Dictionary<string, string> Headers,
    bool Verified,
    string? VerificationFailure,
    Dictionary<string, IReadOnlyList<string>> Attributes,
    long BodyBytes);

/// <summary>
/// A school system behind the gateway: a real Kestrel server on loopback that answers every
/// path with what it received and whether the identity headers verified with its key. It can
/// be stopped and started again on the same port, like a backend that goes down and comes back.
/// </summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private readonly string _name;
    private readonly string _signingKey;
    private WebApplication? _app;

    private TestBackend(string name, string signingKey)
    {
        _name = name;
        _signingKey = signingKey;
    }

    public Uri Address { get; private set; } = null!;

    public int Requests;

    public static async Task<TestBackend> StartAsync(string name, string signingKey)
    {
        var backend = new TestBackend(name, signingKey);
        await backend.StartOnAsync(0);
        return backend;
    }

    public Task StopAsync() => StopAppAsync();

    public Task RestartAsync() => StartOnAsync(Address.Port);

    private async Task StartOnAsync(int port)
    {
        var app = Loopback.CreateApp(port);
        // This one server plays every system of the demo feed, so one verifier per signed system
        // (the system check itself is the verifier's unit tests' business).
        var verifiers = new System.Collections.Concurrent.ConcurrentDictionary<string, IdentityHeaderVerifier>(StringComparer.Ordinal);
        app.MapGet("/health", () => "ok");
        app.Map("/{**rest}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref Requests);
            // ?set-cookie=… : the backend sets these cookies, as a system behind the gateway may try to.
            foreach (var cookie in context.Request.Query["set-cookie"])
            {
                context.Response.Headers.Append("Set-Cookie", cookie);
            }
            var system = context.Request.Headers[FederationHeaders.System].FirstOrDefault() ?? "";
            var identity = verifiers.GetOrAdd(system, s => new IdentityHeaderVerifier(_signingKey, s)).Verify(context.Request);
            // The whole body is read, so a test sees what passed the gateway.
            var buffer = new byte[81920];
            long bodyBytes = 0;
            for (int read; (read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0;)
            {
                bodyBytes += read;
            }
            return TypedResults.Ok(new EchoResponse(
                _name,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                context.Request.Headers["X-Forwarded-Prefix"].FirstOrDefault(),
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                identity.IsValid,
                identity.Failure,
                identity.Attributes.ToDictionary(),
                bodyBytes));
        });
        await app.StartAsync();
        _app = app;
        Address = Loopback.AddressOf(app);
    }

    private async Task StopAppAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAppAsync());
}
