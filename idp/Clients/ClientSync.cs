using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federation.Core.Feed;
using Federation.Core.Integration;
using Federation.Core.Secrets;
using Federation.Hosting.Database;
using Federation.Idp.Infrastructure;
using Federation.Idp.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Idp.Clients;

/// <summary>
/// Keeps OpenIddict's applications equal to the OIDC clients of the register's feed: creates,
/// updates and deletes them on every feed change, without a restart. Deleting an application
/// also deletes its authorizations and tokens, so a removed system's refresh tokens die with it.
/// </summary>
public sealed class ClientSync(
    IFederationFeedSource feed,
    IServiceScopeFactory scopes,
    IOptions<IdpOptions> options,
    IOptions<Oidc.TokenExchangeOptions> exchange,
    ApplicationSnapshots snapshots,
    IdpMetrics metrics,
    ILogger<ClientSync> logger) : BackgroundService
{
    private const string ManagedProperty = "federation_managed";
    private const string FingerprintProperty = "federation_fingerprint";

    /// <summary>Standard scopes every client may ask for; what it receives is its release list.</summary>
    public static readonly IReadOnlyList<string> StandardScopes = [Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.Phone, Scopes.Address];

    /// <summary>A system in the feed gets tokens unless it is retired (retired systems normally leave the feed).</summary>
    public static bool GetsTokens(FeedSystem system) => system.OidcClient is not null && system.Lifecycle != LifecyclePhase.Avvecklad;

    private TaskCompletionSource<long> _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The feed version the applications last matched.</summary>
    public long? SyncedVersion { get; private set; }

    /// <summary>Why the last attempt to follow the feed failed as a whole; null after a sync.</summary>
    public string? LastError { get; private set; }

    /// <summary>Clients of that feed version the idp could not apply (client id → why); they get no tokens.</summary>
    public IReadOnlyDictionary<string, string> Skipped { get; private set; } = new Dictionary<string, string>();

    /// <summary>Why the idp cannot apply a client of the feed, by the rules the register checks too; null when it can.</summary>
    public static string? ClientProblem(FeedSystem system)
    {
        var client = system.OidcClient!;
        if (IntegrationRules.ClientIdProblem(client.ClientId) is { } clientIdProblem)
        {
            return clientIdProblem;
        }
        var uris = client.RedirectUris.Select(u => ("redirect URI", u)).Concat(client.PostLogoutRedirectUris.Select(u => ("post-logout redirect URI", u)));
        foreach (var (kind, uri) in uris)
        {
            if (IntegrationRules.EndpointUrlProblem(uri) is { } problem)
            {
                return $"{kind} '{uri}': {problem}";
            }
        }

        if (client.ClientSecretHash is { } hash && !ClientSecretHash.IsWellFormed(hash))
        {
            return "The client secret is not a hash the register made (pbkdf2-sha256).";
        }

        return client.Scopes.FirstOrDefault(s => IntegrationRules.ScopeProblem(s) is not null) is { } scope
            ? $"scope '{scope}': {IntegrationRules.ScopeProblem(scope)}"
            : null;
    }

    private async Task DeleteAsync(string clientId, string why, CancellationToken cancellationToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application)
            {
                await applications.DeleteAsync(application, cancellationToken);
                logger.LogInformation("Client {ClientId} {Why}: deleted with its tokens", clientId, why);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // RegisteredClients refuses it tokens anyway; the next feed version tries again.
            logger.LogError(ex, "Client {ClientId} {Why} but could not be deleted", clientId, why);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await feed.WaitForFirstAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            // Take the token before reading Current: a change during the sync is not lost.
            var changed = feed.GetChangeToken();
            if (feed.Current is { } current && current.Version != SyncedVersion)
            {
                try
                {
                    await SyncAsync(current, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LastError = $"Feed version {current.Version}: {ex.Message}";
                    logger.LogError(ex, "Syncing OIDC clients from feed version {Version} failed; retrying", current.Version);
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                    continue;
                }
            }
            await WaitAsync(changed, stoppingToken);
        }
    }

    private static async Task WaitAsync(IChangeToken token, CancellationToken cancellationToken)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = token.RegisterChangeCallback(_ => tcs.TrySetResult(), null);
        await tcs.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Makes the applications match the feed, one client at a time: a client the idp cannot apply
    /// is skipped and reported (log, metric, readiness detail) and has no application, while
    /// every other client follows the feed. Each change runs in a scope of its own, so one failed
    /// write cannot hold up the next.
    /// </summary>
    /// <summary>
    /// Applies the feed's clients. Every replica syncs into the one shared application table, so they
    /// take turns (a database lock): two replicas creating the same client at once would otherwise
    /// fail on "already exists" and delete each other's application as "cannot be applied".
    /// </summary>
    public async Task SyncAsync(FederationFeed current, CancellationToken cancellationToken)
    {
        await using var lockScope = scopes.CreateAsyncScope();
        if (lockScope.ServiceProvider.GetService<IdpDbContext>() is not { } db)
        {
            await SyncOnceAsync(current, cancellationToken); // composed without the idp's database (tests of the sync alone)
            return;
        }
        await ServiceDatabase.RunExclusiveAsync(db, "idp-clients", ct => SyncOnceAsync(current, ct), cancellationToken);
    }

    private async Task SyncOnceAsync(FederationFeed current, CancellationToken cancellationToken)
    {
        var skipped = new Dictionary<string, string>(StringComparer.Ordinal);
        var wanted = new Dictionary<string, FeedSystem>(StringComparer.Ordinal);
        foreach (var group in current.Systems.Where(GetsTokens).GroupBy(s => s.OidcClient!.ClientId, StringComparer.Ordinal))
        {
            if (group.Count() > 1)
            {
                skipped[group.Key] = $"Client id registered by {group.Count()} systems ({string.Join(", ", group.Select(s => s.Id))}).";
            }
            else if (ClientProblem(group.Single()) is { } problem)
            {
                skipped[group.Key] = problem;
            }
            else
            {
                wanted[group.Key] = group.Single();
            }
        }

        using (var scope = scopes.CreateScope())
        {
            var scopeManager = scope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();
            await EnsureScopesAsync(scopeManager, wanted.Values, cancellationToken);
        }

        // What is there now, read in one go; every change below is made in its own scope.
        var existing = new Dictionary<string, string?>(StringComparer.Ordinal);
        using (var scope = scopes.CreateScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
            {
                var clientId = await applications.GetClientIdAsync(application, cancellationToken);
                var properties = await applications.GetPropertiesAsync(application, cancellationToken);
                if (properties.ContainsKey(ManagedProperty) && clientId is not null)
                {
                    existing[clientId] = properties.TryGetValue(FingerprintProperty, out var stored) && stored.ValueKind == JsonValueKind.String
                        ? stored.GetString()
                        : null;
                }
                // else: not ours to manage
            }
        }

        foreach (var (clientId, _) in existing.Where(e => !wanted.ContainsKey(e.Key)))
        {
            // Gone from the register, or there but not applicable: either way it must stop working.
            await DeleteAsync(clientId, skipped.ContainsKey(clientId) ? "cannot be applied" : "left the register", cancellationToken);
        }

        foreach (var (clientId, system) in wanted)
        {
            var fingerprint = Fingerprint(system);
            if (existing.TryGetValue(clientId, out var stored) && stored == fingerprint)
            {
                continue;
            }

            try
            {
                using var scope = scopes.CreateScope();
                var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
                if (existing.ContainsKey(clientId) && await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application)
                {
                    await applications.UpdateAsync(application, Describe(system, fingerprint), cancellationToken);
                    logger.LogInformation("Client {ClientId} of system {SystemId} updated from the register", clientId, system.Id);
                }
                else
                {
                    await applications.CreateAsync(Describe(system, fingerprint), cancellationToken);
                    logger.LogInformation("Client {ClientId} of system {SystemId} created from the register", clientId, system.Id);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                skipped[clientId] = ex.Message;
                await DeleteAsync(clientId, "cannot be applied", cancellationToken);
            }
        }

        foreach (var (clientId, reason) in skipped)
        {
            var systemId = current.Systems.FirstOrDefault(s => s.OidcClient?.ClientId == clientId)?.Id;
            logger.LogError("Client {ClientId} of system {SystemId} from feed version {Version} cannot be applied and has no application: {Reason}",
                clientId, systemId, current.Version, reason);
            metrics.CountSkippedClient(clientId);
        }

        Skipped = skipped;
        LastError = null;
        snapshots.Clear();
        SyncedVersion = current.Version;
        var done = Interlocked.Exchange(ref _synced, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        done.TrySetResult(current.Version);
    }

    /// <summary>Completes when the applications match at least feed version <paramref name="version"/>.</summary>
    public async Task WaitForVersionAsync(long version, CancellationToken cancellationToken)
    {
        while (SyncedVersion is not { } v || v < version)
        {
            await ((Task)Volatile.Read(ref _synced).Task).WaitAsync(TimeSpan.FromSeconds(1), cancellationToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task EnsureScopesAsync(IOpenIddictScopeManager scopeManager, IEnumerable<FeedSystem> systems, CancellationToken cancellationToken)
    {
        var names = systems.SelectMany(s => s.OidcClient!.Scopes)
            .Concat(options.Value.ApiScopes.Keys)
            .Where(s => s is not Scopes.OpenId and not Scopes.OfflineAccess && !StandardScopes.Contains(s))
            .Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var descriptor = new OpenIddictScopeDescriptor { Name = name };
            if (options.Value.ApiScopes.TryGetValue(name, out var audience))
            {
                descriptor.Resources.Add(audience);
            }
            if (await scopeManager.FindByNameAsync(name, cancellationToken) is { } existing)
            {
                await scopeManager.UpdateAsync(existing, descriptor, cancellationToken);
            }
            else
            {
                await scopeManager.CreateAsync(descriptor, cancellationToken);
            }
        }
    }

    private OpenIddictApplicationDescriptor Describe(FeedSystem system, string fingerprint)
    {
        var client = system.OidcClient!;
        var confidential = !string.IsNullOrEmpty(client.ClientSecretHash);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            // The register's hash, stored as it is (FederationApplicationManager verifies against it).
            ClientSecret = confidential ? client.ClientSecretHash : null,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ApplicationType = ApplicationTypes.Web,
            ConsentType = ConsentTypes.Implicit, // the register decided what the system gets
            DisplayName = system.Name,
        };
        descriptor.Properties[ManagedProperty] = JsonSerializer.SerializeToElement(true);
        descriptor.Properties[FingerprintProperty] = JsonSerializer.SerializeToElement(fingerprint);
        descriptor.Properties["federation_system"] = JsonSerializer.SerializeToElement(system.Id);

        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }
        foreach (var uri in client.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }

        var grants = client.GrantTypes.ToHashSet(StringComparer.Ordinal);
        if (grants.Contains(GrantTypes.AuthorizationCode))
        {
            descriptor.Permissions.UnionWith([
                Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code,
            ]);
            // PKCE for every client, public or confidential.
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }
        if (grants.Contains(GrantTypes.RefreshToken))
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.RefreshToken);
        }
        if (grants.Contains(GrantTypes.ClientCredentials))
        {
            if (confidential)
            {
                descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
            }
            else
            {
                logger.LogWarning("Client {ClientId} has no secret: the client_credentials grant is not allowed", client.ClientId);
            }
        }
        if (Oidc.TokenExchange.MayExchange(client.ClientId, confidential, exchange.Value))
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.TokenExchange);
        }
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation]);
        if (confidential)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        }
        // The scope rule is ClientScopes' (enforced at every grant); the permissions only mirror it.
        descriptor.Permissions.UnionWith(Oidc.ClientScopes.Allowed(client)
            .Where(s => s is not Scopes.OpenId)
            .Select(s => Permissions.Prefixes.Scope + s));
        return descriptor;
    }

    /// <summary>Changes of the client's registration (not of the release list, read live) trigger an update.</summary>
    private string Fingerprint(FeedSystem system) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            JsonSerializer.Serialize(new { system.Id, system.Name, system.OidcClient, exchange.Value.GatewayClientId }, FederationFeed.JsonOptions))));
}

/// <summary>
/// Readiness detail of the client sync: unhealthy until the clients follow the feed, degraded
/// (still ready: every other client works) while clients of the register cannot be applied.
/// </summary>
public sealed class ClientSyncHealthCheck(ClientSync sync) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (sync.LastError is { } error)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The clients do not follow the register: {error}"));
        }

        if (sync.SyncedVersion is not { } version)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The clients are not synced with the register yet."));
        }

        return Task.FromResult(sync.Skipped.Count == 0
            ? HealthCheckResult.Healthy($"Clients match feed version {version}.")
            : HealthCheckResult.Degraded(
                $"Feed version {version}: {sync.Skipped.Count} client(s) cannot be applied and get no tokens: "
                + string.Join("; ", sync.Skipped.Select(s => $"{s.Key}: {s.Value}"))));
    }
}
