using System.Collections.Concurrent;
using Federation.Idp.Infrastructure;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Federation.Idp.Oidc;

/// <summary>
/// Revocation of access tokens that have no row (<see cref="OidcServerSetup.SkipAccessTokenStorage"/>):
/// the revocation endpoint remembers the token's <c>jti</c> in the database until the token expires,
/// and introspection and userinfo refuse a remembered one on every replica (RFC 7009, RFC 7662).
/// </summary>
public sealed class RevokedAccessTokens(IServiceScopeFactory scopes, TimeProvider time)
{
    // Revocation is final, so a jti seen revoked can be remembered here without asking again.
    private readonly ConcurrentDictionary<string, long> _known = new(StringComparer.Ordinal);

    public async Task RevokeAsync(string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        foreach (var (old, _) in _known.Where(k => k.Value < now))
        {
            _known.TryRemove(old, out _);
        }
        _known[jti] = expiresAt.ToUnixTimeSeconds();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        // The list only holds tokens that could still be presented: prune on the way.
        await db.RevokedAccessTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        if (await db.RevokedAccessTokens.AnyAsync(t => t.Jti == jti, cancellationToken))
        {
            return;
        }
        db.RevokedAccessTokens.Add(new RevokedAccessToken { Jti = jti, ExpiresAt = expiresAt.ToUnixTimeSeconds() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another replica revoked it at the same moment, which is all right; anything else is not.
            db.ChangeTracker.Clear();
            if (!await db.RevokedAccessTokens.AnyAsync(t => t.Jti == jti, cancellationToken))
            {
                throw;
            }
        }
    }

    public async Task<bool> IsRevokedAsync(string jti, CancellationToken cancellationToken)
    {
        if (_known.ContainsKey(jti))
        {
            return true;
        }
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var row = await db.RevokedAccessTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Jti == jti, cancellationToken);
        if (row is not null)
        {
            _known[jti] = row.ExpiresAt;
        }
        return row is not null;
    }

    /// <summary>At the revocation endpoint: an access token without a row is remembered by its jti.</summary>
    public sealed class Remember(RevokedAccessTokens revoked) : IOpenIddictServerHandler<HandleRevocationRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
                .UseSingletonHandler<Remember>()
                .SetOrder(OpenIddictServerHandlers.Revocation.AttachPrincipal.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(HandleRevocationRequestContext context)
        {
            var principal = context.GenericTokenPrincipal;
            if (principal is null || !principal.HasTokenType(TokenTypeIdentifiers.AccessToken) || !string.IsNullOrEmpty(principal.GetTokenId()))
            {
                return; // stored tokens are OpenIddict's to revoke
            }
            if (principal.GetClaim(Claims.JwtId) is not { Length: > 0 } jti || principal.GetExpirationDate() is not { } expires)
            {
                context.Reject(Errors.UnsupportedTokenType, "The access token has no identifier or expiry.");
                return;
            }
            await revoked.RevokeAsync(jti, expires, context.CancellationToken);
            context.HandleRequest(); // RFC 7009: 200 with an empty body
        }
    }

    /// <summary>
    /// Wherever the idp validates an access token (introspection, userinfo): a revoked one is
    /// invalid, and so is one whose authorization was revoked (a reused code or refresh token, the
    /// client removed, an administrator). OpenIddict checks the authorization of codes and refresh
    /// tokens itself, not of access tokens.
    /// </summary>
    public sealed class Refuse(RevokedAccessTokens revoked, IOpenIddictAuthorizationManager authorizations) : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
                .UseScopedHandler<Refuse>()
                .SetOrder(OpenIddictServerHandlers.Protection.ValidateExpirationDate.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (context.Principal is not { } principal || !principal.HasTokenType(TokenTypeIdentifiers.AccessToken))
            {
                return;
            }
            if (principal.GetClaim(Claims.JwtId) is { Length: > 0 } jti && await revoked.IsRevokedAsync(jti, context.CancellationToken))
            {
                context.Reject(Errors.InvalidToken, "The access token was revoked.");
                return;
            }
            if (principal.GetAuthorizationId() is { Length: > 0 } id
                && (await authorizations.FindByIdAsync(id, context.CancellationToken) is not { } authorization
                    || !await authorizations.HasStatusAsync(authorization, Statuses.Valid, context.CancellationToken)))
            {
                context.Reject(Errors.InvalidToken, "The access token's authorization was revoked.");
            }
        }
    }
}
