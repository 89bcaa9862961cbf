using System.Collections.Frozen;
using Federation.Gateway.Forwarding;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Proxy;

/// <summary>
/// One signer per backend, from the gateway's configuration (never from the register, which
/// anyone with register-admin can read). Follows configuration reloads, so a key for a
/// system newly added to the register needs no restart.
/// </summary>
public sealed class IdentitySigning : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile FrozenDictionary<string, IdentityHeaderSigner> _signers;

    public IdentitySigning(IOptionsMonitor<GatewayOptions> options)
    {
        _signers = Build(options.CurrentValue);
        _subscription = options.OnChange(o => _signers = Build(o));
    }

    public bool CanSign(string systemId) => _signers.ContainsKey(systemId);

    public IdentityHeaderSigner? For(string systemId) => _signers.GetValueOrDefault(systemId);

    public void Dispose() => _subscription?.Dispose();

    private static FrozenDictionary<string, IdentityHeaderSigner> Build(GatewayOptions options) =>
        options.Backends.ToFrozenDictionary(b => b.Key, b => new IdentityHeaderSigner(b.Value.SigningKey), StringComparer.Ordinal);
}
