using Federation.Core.Attributes;
using Federation.Idp.Clients;
using Federation.Idp.Infrastructure;
using Federation.Idp.Keys;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Federation.Idp.Oidc;

/// <summary>
/// The OpenID Provider's configuration in one place. Choices that matter:
/// authorization code (PKCE S256 required for every client), refresh tokens (rotated; a reused one
/// revokes its whole authorization), client credentials; access tokens are signed JWTs (RFC 9068
/// <c>at+jwt</c>) and not encrypted, because the gateway and the register validate them through
/// JWKS; access tokens are not stored (see <see cref="SkipAccessTokenStorage"/>), codes and
/// refresh tokens are; keys come from the <see cref="KeyRing"/>.
/// </summary>
public static class OidcServerSetup
{
    public static IHostApplicationBuilder AddOidcServer(this IHostApplicationBuilder builder)
    {
        var idp = builder.Configuration.GetSection(IdpOptions.Section).Get<IdpOptions>() ?? new IdpOptions();

        builder.Services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<IdpDbContext>();
                core.ReplaceApplicationManager(typeof(FederationApplicationManager<>));
                core.ReplaceApplicationStore<OpenIddictEntityFrameworkCoreApplication, SnapshotApplicationStore>(ServiceLifetime.Scoped);
            })
            .AddServer(server =>
            {
                if (idp.Issuer is not null)
                {
                    server.SetIssuer(idp.Issuer);
                }
                server.SetAuthorizationEndpointUris(ProtocolPaths.RelativeToIssuer(ProtocolPaths.Authorization))
                      .SetTokenEndpointUris(ProtocolPaths.RelativeToIssuer(ProtocolPaths.Token))
                      .SetUserInfoEndpointUris(ProtocolPaths.RelativeToIssuer(ProtocolPaths.UserInfo))
                      .SetIntrospectionEndpointUris(ProtocolPaths.RelativeToIssuer(ProtocolPaths.Introspection))
                      .SetRevocationEndpointUris(ProtocolPaths.RelativeToIssuer(ProtocolPaths.Revocation))
                      .SetEndSessionEndpointUris(ProtocolPaths.RelativeToIssuer(ProtocolPaths.EndSession));

                server.AllowAuthorizationCodeFlow()
                      .AllowRefreshTokenFlow()
                      .AllowClientCredentialsFlow();
                server.EnableTokenExchange(); // per-system tokens for the gateway (TokenExchange.cs)
                server.RequireProofKeyForCodeExchange();
                // S256 only: "plain" would hand the verifier to anyone who sees the authorize URL.
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.Phone, Scopes.Address, Scopes.OfflineAccess);
                // API scopes from configuration are known without a database lookup per token request.
                server.RegisterScopes([.. idp.ApiScopes.Keys]);
                server.RegisterClaims(AttributeCatalog.All.Select(a => a.Name).Append(Claims.Subject).ToArray());

                server.SetAccessTokenLifetime(idp.AccessTokenLifetime)
                      .SetIdentityTokenLifetime(idp.IdentityTokenLifetime)
                      .SetRefreshTokenLifetime(idp.RefreshTokenLifetime)
                      .SetAuthorizationCodeLifetime(idp.AuthorizationCodeLifetime)
                      // A refresh token is good once: any second use is theft or a bug, and revokes the family.
                      .SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // The gateway and the register read access tokens with JWKS: signed, not encrypted.
                server.DisableAccessTokenEncryption();

                server.AddEventHandler<GenerateTokenContext>(handler => handler
                    .UseSingletonHandler<SkipAccessTokenStorage>()
                    .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 1)
                    .SetType(OpenIddictServerHandlerType.Custom));

                // ES256 for our own resource servers' access tokens, RS256 for everything else.
                server.AddEventHandler(AccessTokenSigning.Descriptor)
                      .AddEventHandler(AccessTokenSigning.IdTokenAlgorithms.Descriptor);

                // Every grant issues only the scopes the client is registered for, by one rule on the live
                // feed (ClientScopes) that answers invalid_scope; OpenIddict's own check answers
                // invalid_request, and at the authorize endpoint not even to the client.
                server.IgnoreScopePermissions();
                server.AddEventHandler(ClientScopes.CheckTokenRequest.Descriptor);
                // Unstored access tokens can still be revoked: remembered by jti until they expire.
                server.AddEventHandler(RevokedAccessTokens.Remember.Descriptor)
                      .AddEventHandler(RevokedAccessTokens.Refuse.Descriptor)
                      .AddEventHandler(GrantReuse.Descriptor)
                      .AddEventHandler(LogoutHint.Descriptor);

                server.UseAspNetCore()
                      .EnableAuthorizationEndpointPassthrough()
                      .EnableTokenEndpointPassthrough()
                      .EnableUserInfoEndpointPassthrough()
                      .EnableEndSessionEndpointPassthrough()
                      .EnableStatusCodePagesIntegration()
                      // Loopback HTTP in the embedded default; TLS terminates in front of the pods in k8s.
                      .DisableTransportSecurityRequirement();
            });

        builder.Services.AddOptions<AccessTokenSigningOptions>()
            .BindConfiguration(AccessTokenSigningOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddTokenExchange();
        builder.Services.AddDeferredEntityCaches();
        builder.Services.AddSingleton<RevokedAccessTokens>();
        builder.Services.AddSingleton<FreshSignIn>();
        builder.Services.AddSingleton<VerifiedClientSecrets>();
        builder.Services.AddSingleton<ApplicationSnapshots>();
        // Keys are added whenever OpenIddict's options are (re)built, so rotation needs no restart.
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(sp =>
            new ConfigureOptions<OpenIddictServerOptions>(o => sp.GetRequiredService<KeyRing>().Configure(o)));
        return builder;
    }

    /// <summary>
    /// Access tokens are self-contained JWTs that live minutes: storing each one would cost a
    /// database write per token (the benchmark shows it) and buy nothing the gateway uses, so they
    /// are not stored unless <see cref="IdpOptions.StoreAccessTokens"/> asks for it.
    /// Authorization codes and refresh tokens stay stored, for redemption, revocation and reuse detection.
    /// </summary>
    public sealed class SkipAccessTokenStorage(IOptions<IdpOptions> options) : IOpenIddictServerHandler<GenerateTokenContext>
    {
        private readonly bool _store = options.Value.StoreAccessTokens;

        public ValueTask HandleAsync(GenerateTokenContext context)
        {
            // OpenIddict 7 names token types by their URN; older versions by their hint.
            if (!_store && context.TokenType is TokenTypeIdentifiers.AccessToken or TokenTypeHints.AccessToken)
            {
                context.CreateTokenEntry = false;
            }
            return default;
        }
    }
}
