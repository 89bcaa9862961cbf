using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federation.Core.Feed;
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

    /// <summary>Makes the applications match the feed.</summary>
    public async Task SyncAsync(FederationFeed current, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var scopeManager = scope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();

        var wanted = current.Systems.Where(GetsTokens).ToDictionary(s => s.OidcClient!.ClientId, StringComparer.Ordinal);
        await EnsureScopesAsync(scopeManager, wanted.Values, cancellationToken);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            var clientId = await applications.GetClientIdAsync(application, cancellationToken);
            var properties = await applications.GetPropertiesAsync(application, cancellationToken);
            if (!properties.ContainsKey(ManagedProperty) || clientId is null)
            {
                continue; // not ours to manage
            }
            if (!wanted.TryGetValue(clientId, out var system))
            {
                await applications.DeleteAsync(application, cancellationToken);
                logger.LogInformation("Client {ClientId} left the register: deleted with its tokens", clientId);
                continue;
            }
            seen.Add(clientId);
            var fingerprint = Fingerprint(system);
            if (properties.TryGetValue(FingerprintProperty, out var stored) && stored.ValueKind == JsonValueKind.String
                && stored.GetString() == fingerprint)
            {
                continue;
            }
            await applications.UpdateAsync(application, Describe(system, fingerprint), cancellationToken);
            logger.LogInformation("Client {ClientId} of system {SystemId} updated from the register", clientId, system.Id);
        }

        foreach (var (clientId, system) in wanted.Where(w => !seen.Contains(w.Key)))
        {
            await applications.CreateAsync(Describe(system, Fingerprint(system)), cancellationToken);
            logger.LogInformation("Client {ClientId} of system {SystemId} created from the register", clientId, system.Id);
        }

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
        var confidential = !string.IsNullOrEmpty(client.ClientSecret);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = confidential ? client.ClientSecret : null,
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
            descriptor.Permissions.UnionWith(StandardScopes.Select(s => Permissions.Prefixes.Scope + s));
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
        descriptor.Permissions.UnionWith(client.Scopes
            .Where(s => s is not Scopes.OpenId)
            .Select(s => Permissions.Prefixes.Scope + s));
        return descriptor;
    }

    /// <summary>Changes of the client's registration (not of the release list, read live) trigger an update.</summary>
    private string Fingerprint(FeedSystem system) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            JsonSerializer.Serialize(new { system.Id, system.Name, system.OidcClient, exchange.Value.GatewayClientId }, FederationFeed.JsonOptions))));
}
