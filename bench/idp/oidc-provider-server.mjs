// node oidc-provider configured like the idp for the benchmark: one confidential client with
// client_credentials, scope federation.feed, RS256-signed JWT access tokens for the audience
// federation-inventory.   PORT=… ISSUER=… node oidc-provider-server.mjs
import Provider from 'oidc-provider';
import { generateKeyPair, exportJWK } from 'jose';

const port = Number(process.env.PORT ?? 5801);
const issuer = process.env.ISSUER ?? `http://127.0.0.1:${port}`;
const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'bench' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID ?? 'bench-client',
    client_secret: process.env.CLIENT_SECRET ?? 'bench-secret-0123456789',
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_post',
    scope: 'federation.feed',
  }],
  jwks: { keys: [jwk] },
  scopes: ['federation.feed'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Resource indicators are URIs; the token's audience is the register's plain name as in the idp.
      defaultResource: () => 'urn:federation-inventory',
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'federation.feed',
        audience: 'federation-inventory',
        accessTokenTTL: 600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
