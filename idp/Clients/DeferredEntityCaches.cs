using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Federation.Idp.Clients;

/// <summary>
/// OpenIddict builds one entity cache per manager per request, each with its own
/// <see cref="Microsoft.Extensions.Caching.Memory.MemoryCache"/> (a finalizable object with locks),
/// even on requests that never look an entity up: the token benchmark found the finalizer thread
/// and lock contention among the largest costs. These wrappers create OpenIddict's own cache on first
/// use only, so caching within a request works exactly as before where it is used and costs nothing
/// where it is not.
/// </summary>
public static class DeferredEntityCaches
{
    public static IServiceCollection AddDeferredEntityCaches(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Scoped(typeof(IOpenIddictApplicationCache<>), typeof(DeferredApplicationCache<>)));
        services.Replace(ServiceDescriptor.Scoped(typeof(IOpenIddictAuthorizationCache<>), typeof(DeferredAuthorizationCache<>)));
        services.Replace(ServiceDescriptor.Scoped(typeof(IOpenIddictScopeCache<>), typeof(DeferredScopeCache<>)));
        services.Replace(ServiceDescriptor.Scoped(typeof(IOpenIddictTokenCache<>), typeof(DeferredTokenCache<>)));
        return services;
    }
}

/// <summary>
/// Applications by client id come from <see cref="ApplicationSnapshots"/> through the store, which is
/// a process-wide cache already; this keeps the one client of a request for the rest of the request.
/// </summary>
public sealed class DeferredApplicationCache<TApplication>(
    IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictApplicationStore<TApplication> store)
    : IOpenIddictApplicationCache<TApplication>, IDisposable where TApplication : class
{
    private OpenIddictApplicationCache<TApplication>? _cache;
    private (string ClientId, TApplication Application)? _client;

    private OpenIddictApplicationCache<TApplication> Cache => _cache ??= new(options, store);

    public async ValueTask<TApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        if (_client is { } client && string.Equals(client.ClientId, identifier, StringComparison.Ordinal))
        {
            return client.Application;
        }
        var application = _cache is null
            ? await store.FindByClientIdAsync(identifier, cancellationToken)
            : await _cache.FindByClientIdAsync(identifier, cancellationToken);
        _client = application is null ? null : (identifier, application);
        return application;
    }

    public ValueTask AddAsync(TApplication application, CancellationToken cancellationToken)
    {
        _client = null;
        return Cache.AddAsync(application, cancellationToken);
    }

    public ValueTask RemoveAsync(TApplication application, CancellationToken cancellationToken)
    {
        _client = null;
        return _cache?.RemoveAsync(application, cancellationToken) ?? default;
    }

    public ValueTask<TApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TApplication> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        Cache.FindByPostLogoutRedirectUriAsync(uri, cancellationToken);

    public IAsyncEnumerable<TApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        Cache.FindByRedirectUriAsync(uri, cancellationToken);

    public void Dispose() => _cache?.Dispose();
}

public sealed class DeferredAuthorizationCache<TAuthorization>(
    IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictAuthorizationStore<TAuthorization> store)
    : IOpenIddictAuthorizationCache<TAuthorization>, IDisposable where TAuthorization : class
{
    private OpenIddictAuthorizationCache<TAuthorization>? _cache;

    private OpenIddictAuthorizationCache<TAuthorization> Cache => _cache ??= new(options, store);

    public ValueTask AddAsync(TAuthorization authorization, CancellationToken cancellationToken) =>
        Cache.AddAsync(authorization, cancellationToken);

    public ValueTask RemoveAsync(TAuthorization authorization, CancellationToken cancellationToken) =>
        _cache?.RemoveAsync(authorization, cancellationToken) ?? default;

    public IAsyncEnumerable<TAuthorization> FindAsync(
        string? subject, string? client, string? status, string? type, ImmutableArray<string>? scopes, CancellationToken cancellationToken) =>
        Cache.FindAsync(subject, client, status, type, scopes, cancellationToken);

    public IAsyncEnumerable<TAuthorization> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByApplicationIdAsync(identifier, cancellationToken);

    public ValueTask<TAuthorization?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TAuthorization> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        Cache.FindBySubjectAsync(subject, cancellationToken);

    public void Dispose() => _cache?.Dispose();
}

public sealed class DeferredScopeCache<TScope>(
    IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictScopeStore<TScope> store)
    : IOpenIddictScopeCache<TScope>, IDisposable where TScope : class
{
    private OpenIddictScopeCache<TScope>? _cache;

    private OpenIddictScopeCache<TScope> Cache => _cache ??= new(options, store);

    public ValueTask AddAsync(TScope scope, CancellationToken cancellationToken) => Cache.AddAsync(scope, cancellationToken);

    public ValueTask RemoveAsync(TScope scope, CancellationToken cancellationToken) =>
        _cache?.RemoveAsync(scope, cancellationToken) ?? default;

    public ValueTask<TScope?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByIdAsync(identifier, cancellationToken);

    public ValueTask<TScope?> FindByNameAsync(string name, CancellationToken cancellationToken) =>
        Cache.FindByNameAsync(name, cancellationToken);

    public IAsyncEnumerable<TScope> FindByNamesAsync(ImmutableArray<string> names, CancellationToken cancellationToken) =>
        Cache.FindByNamesAsync(names, cancellationToken);

    public IAsyncEnumerable<TScope> FindByResourceAsync(string resource, CancellationToken cancellationToken) =>
        Cache.FindByResourceAsync(resource, cancellationToken);

    public void Dispose() => _cache?.Dispose();
}

public sealed class DeferredTokenCache<TToken>(
    IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictTokenStore<TToken> store)
    : IOpenIddictTokenCache<TToken>, IDisposable where TToken : class
{
    private OpenIddictTokenCache<TToken>? _cache;

    private OpenIddictTokenCache<TToken> Cache => _cache ??= new(options, store);

    public ValueTask AddAsync(TToken token, CancellationToken cancellationToken) => Cache.AddAsync(token, cancellationToken);

    public ValueTask RemoveAsync(TToken token, CancellationToken cancellationToken) =>
        _cache?.RemoveAsync(token, cancellationToken) ?? default;

    public IAsyncEnumerable<TToken> FindAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        Cache.FindAsync(subject, client, status, type, cancellationToken);

    public IAsyncEnumerable<TToken> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByApplicationIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TToken> FindByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByAuthorizationIdAsync(identifier, cancellationToken);

    public ValueTask<TToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByIdAsync(identifier, cancellationToken);

    public ValueTask<TToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByReferenceIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TToken> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        Cache.FindBySubjectAsync(subject, cancellationToken);

    public void Dispose() => _cache?.Dispose();
}
