using System.ComponentModel.DataAnnotations;
using Federation.Core.Integration;
using Federation.Idp.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Federation.Idp.Oidc;

/// <summary>How access tokens for the federation's own resource servers are signed (section <c>Idp:AccessTokenSigning</c>).</summary>
public sealed class AccessTokenSigningOptions : IValidatableObject
{
    public const string Section = "Idp:AccessTokenSigning";

    /// <summary>The gateway's and the register's audiences: both validate through JWKS and accept ES256.</summary>
    public static readonly IReadOnlyList<string> DefaultOwnAudiences = ["federation-gateway", "federation-inventory"];

    /// <summary>
    /// <c>ES256</c> (default): an ECDSA P-256 signature, far cheaper to make than RSA-2048, for tokens
    /// only our own servers read. <c>RS256</c>: every token with the RSA key, as before.
    /// </summary>
    public string Algorithm { get; set; } = AccessTokenAlgorithms.Es256;

    /// <summary>Audiences of our own resource servers; unset means <see cref="DefaultOwnAudiences"/> (set, it replaces them).</summary>
    public List<string>? OwnAudiences { get; set; }

    public IReadOnlyList<string> EffectiveOwnAudiences => OwnAudiences ?? DefaultOwnAudiences;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Only what the federation's resource servers accept: a token they would refuse is never signed.
        if (!AccessTokenAlgorithms.Accepted.Contains(Algorithm, StringComparer.Ordinal))
        {
            yield return new ValidationResult($"{Section}:Algorithm must be one of {string.Join(", ", AccessTokenAlgorithms.Accepted)}.");
        }
        if (OwnAudiences is { } audiences && (audiences.Count == 0 || audiences.Any(string.IsNullOrWhiteSpace)))
        {
            yield return new ValidationResult($"{Section}:OwnAudiences must name at least one audience, none empty (leave it unset for the gateway and the register).");
        }
    }
}

/// <summary>
/// Chooses the key for every token OpenIddict signs, after OpenIddict's own choice: an access
/// token whose every audience is one of our own resource servers gets the EC key (ES256) when the
/// option says so; every other token (ID tokens, codes, refresh tokens, access tokens for a
/// backend or a client's own audience) the RSA key, which third parties were told about.
/// </summary>
public sealed class AccessTokenSigning(KeyRing keys, IOptions<AccessTokenSigningOptions> options) : IOpenIddictServerHandler<GenerateTokenContext>
{
    private readonly bool _ec = options.Value.Algorithm == AccessTokenAlgorithms.Es256;
    private readonly HashSet<string> _own = options.Value.EffectiveOwnAudiences.ToHashSet(StringComparer.Ordinal);

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
        .UseSingletonHandler<AccessTokenSigning>()
        .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        // OpenIddict 7 names token types by their URN; older versions by their hint.
        var accessToken = context.TokenType is TokenTypeIdentifiers.AccessToken or TokenTypeHints.AccessToken;
        context.SigningCredentials = accessToken ? For(context.Principal is { } principal ? principal.GetAudiences() : []) : keys.CurrentSigningKey.SigningCredentials;
        return default;
    }

    /// <summary>The credentials for an access token with these audiences (also for the idp's own tokens to the register).</summary>
    public SigningCredentials For(IReadOnlyCollection<string> audiences) =>
        (_ec && audiences.Count > 0 && audiences.All(_own.Contains) ? keys.CurrentEcSigningKey : keys.CurrentSigningKey).SigningCredentials!;

    /// <summary>
    /// Discovery's <c>id_token_signing_alg_values_supported</c> lists what OpenIddict has keys for;
    /// ID tokens are only ever RS256, so ES256 is taken out (clients must not expect it there).
    /// </summary>
    public sealed class IdTokenAlgorithms : IOpenIddictServerHandler<HandleConfigurationRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<IdTokenAlgorithms>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachSigningAlgorithms.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

        public ValueTask HandleAsync(HandleConfigurationRequestContext context)
        {
            context.IdTokenSigningAlgorithms.RemoveWhere(a => a != SecurityAlgorithms.RsaSha256);
            return default;
        }
    }
}
