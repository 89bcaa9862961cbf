using System.Collections.Frozen;
using Federation.Gateway.Forwarding;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Proxy;

/// <summary>One signer per backend, from the gateway's configuration (never from the register).</summary>
public sealed class IdentitySigning(IOptions<GatewayOptions> options)
{
    private readonly FrozenDictionary<string, IdentityHeaderSigner> _signers = options.Value.Backends
        .ToFrozenDictionary(b => b.Key, b => new IdentityHeaderSigner(b.Value.SigningKey), StringComparer.Ordinal);

    public bool CanSign(string systemId) => _signers.ContainsKey(systemId);

    public IdentityHeaderSigner? For(string systemId) => _signers.GetValueOrDefault(systemId);
}
