using System.Security.Claims;
using System.Security.Cryptography;
using Federation.Core.Feed;
using Federation.Core.Integration;
using Federation.Idp.Oidc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Idp.Clients;

/// <summary>
/// Access tokens the idp mints for itself, signed with its own current key (<see cref="AccessTokenSigning"/>), to call the register:
/// the feed (scope <c>federation.feed</c>), sign-in events, and one person's releases for that person's
/// page (<c>federation.signin-events.subject</c>). One scope per token. No client registration is needed,
/// so there is no chicken-and-egg between the idp and the register's feed.
/// </summary>
public sealed class SelfIssuedTokens(AccessTokenSigning signing, IOptions<IdpOptions> options, TimeProvider time) : IFeedAccessTokenSource
{
    public const string ClientId = IntegrationRules.IdpClientId;
    public const string FeedScope = "federation.feed";
    public const string SigninEventsScope = IntegrationRules.SignInEventsScope;

    /// <summary>Reading one person's releases, for that person's page (Mina uppgifter).</summary>
    public const string SubjectReleasesScope = IntegrationRules.SubjectReleasesScope;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Token, DateTimeOffset RenewAt)> _cache = new(StringComparer.Ordinal);

    public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(Token(FeedScope));

    public void Invalidate()
    {
        lock (_gate)
        {
            _cache.Clear();
        }
    }

    public string SigninEventsToken() => Token(SigninEventsScope);

    public string SubjectReleasesToken() => Token(SubjectReleasesScope);

    private string Token(string scope)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_cache.TryGetValue(scope, out var cached) && cached.RenewAt > now)
            {
                return cached.Token;
            }
            var token = Handler.CreateToken(new SecurityTokenDescriptor
            {
                TokenType = "at+jwt",
                Issuer = options.Value.Issuer!.AbsoluteUri,
                Audience = options.Value.RegisterAudience,
                IssuedAt = now.UtcDateTime,
                NotBefore = now.UtcDateTime,
                Expires = (now + Lifetime).UtcDateTime,
                // For the register: its key by the same rule as the tokens OpenIddict issues.
                SigningCredentials = signing.For([options.Value.RegisterAudience]),
                Subject = new ClaimsIdentity(
                [
                    new Claim("sub", ClientId),
                    new Claim("client_id", ClientId),
                    new Claim("scope", scope),
                    new Claim("jti", Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16))),
                ]),
            });
            _cache[scope] = (token, now + Lifetime - TimeSpan.FromMinutes(1));
            return token;
        }
    }
}
