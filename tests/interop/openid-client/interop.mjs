// A real relying party (openid-client, npm) against the federation idp: discovery, authorization
// code + PKCE (the login form is submitted over HTTP like a browser would, with its antiforgery
// token and cookies), ID token validation including its signature against JWKS, userinfo,
// refresh and revocation; auth_time with max_age and prompt=login, code reuse, invalid_scope,
// access-token revocation, a forged id_token_hint. Exits 0 and prints "INTEROP OK" when every step passed.
//
//   IDP_ISSUER=http://127.0.0.1:5100/ CLIENT_ID=… CLIENT_SECRET=… REDIRECT_URI=… \
//   IDP_USER=anna.larare IDP_PASSWORD='Skola-Demo-2026!' node interop.mjs
import * as client from 'openid-client';
import assert from 'node:assert/strict';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const issuer = new URL(env('IDP_ISSUER'));
const redirectUri = env('REDIRECT_URI');
const step = (name, detail = '') => console.log(`ok  ${name}${detail ? ': ' + detail : ''}`);

// 1. Discovery (plain HTTP on loopback is allowed here only).
const config = await client.discovery(issuer, env('CLIENT_ID'), env('CLIENT_SECRET'), undefined, {
  execute: [client.allowInsecureRequests],
});
// Validate ID token signatures with the published JWKS, not only their claims.
client.enableNonRepudiationChecks(config);
assert.equal(config.serverMetadata().issuer, issuer.href);
assert.deepEqual(config.serverMetadata().code_challenge_methods_supported, ['S256']);
step('discovery', config.serverMetadata().issuer);

// 2. Authorization request with PKCE S256, state and nonce.
const verifier = client.randomPKCECodeVerifier();
const challenge = await client.calculatePKCECodeChallenge(verifier);
const state = client.randomState();
const nonce = client.randomNonce();
const authorizeUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid profile email offline_access',
  code_challenge: challenge,
  code_challenge_method: 'S256',
  state,
  nonce,
});

// 3. The user's browser: follows redirects inside the idp, keeps cookies, fills in the login form.
const jar = new Map();
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
const remember = (response) => {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
};
const browse = async (url, init = {}) => {
  const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: cookieHeader() } });
  remember(response);
  return response;
};
const decode = (s) => s.replaceAll('&amp;', '&').replaceAll('&#x2B;', '+').replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=').replaceAll('&quot;', '"');

// Follows one authorization request through the idp; says whether the login form was shown.
const authorize = async (url) => {
  let response = await browse(url);
  let loginShown = false;
  for (let hop = 0; hop < 10; hop++) {
    assert.equal(response.status, 302, `expected a redirect, got ${response.status}`);
    const location = new URL(response.headers.get('location'), issuer);
    if (location.href.startsWith(redirectUri)) {
      return { callback: location, loginShown };
    } else if (location.pathname.toLowerCase() === '/login') {
      const page = await (await browse(location)).text();
      const form = new URLSearchParams();
      for (const [, name, value] of page.matchAll(/<input(?=[^>]*type="hidden")(?=[^>]*name="([^"]+)")(?=[^>]*value="([^"]*)")[^>]*>/g)) {
        form.set(decode(name), decode(value));
      }
      assert.ok(form.has('__RequestVerificationToken'), 'the login form carries an antiforgery token');
      form.set('UserName', env('IDP_USER'));
      form.set('Password', env('IDP_PASSWORD'));
      response = await browse(location, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      loginShown = true;
    } else {
      response = await browse(location);
    }
  }
  assert.fail('the idp did not send the browser back to the client');
};

const { callback } = await authorize(authorizeUrl);
step('login form submitted', env('IDP_USER'));

// 4. Code exchange: openid-client checks state, nonce, PKCE and the ID token (claims and signature).
const tokens = await client.authorizationCodeGrant(config, callback, {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
  // Any maxAge makes openid-client require auth_time (OIDC Core 2) and check it.
  maxAge: 300,
});
const claims = tokens.claims();
assert.equal(claims.iss, issuer.href);
assert.equal(claims.aud, env('CLIENT_ID'));
assert.ok(tokens.refresh_token, 'a refresh token for offline_access');
step('code exchanged, ID token valid', `sub=${claims.sub}`);

// 5. Userinfo for the same subject.
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
assert.equal(userinfo.sub, claims.sub);
step('userinfo', JSON.stringify(userinfo));

// 6. Refresh: a new refresh token (rotation) and a new ID token for the same person.
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
assert.equal(refreshed.claims()?.sub ?? claims.sub, claims.sub);
step('refresh rotated');

// 7. Revocation: the revoked refresh token no longer works.
await client.tokenRevocation(config, refreshed.refresh_token, { token_type_hint: 'refresh_token' });
await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token), (e) => e.error === 'invalid_grant');
step('revoked refresh token refused');

// 8. A second redemption of the same code is refused, and what the first gave is revoked (RFC 6749 4.1.2).
await assert.rejects(
  client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }),
  (e) => e.error === 'invalid_grant');
assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false);
step('code reuse refused, the first access token inactive');

// 9. max_age=0 and prompt=login: a new authentication each time, and auth_time shows it.
const fresh = async (extra) => {
  await new Promise((resolve) => setTimeout(resolve, 1100)); // auth_time has whole seconds
  const v = client.randomPKCECodeVerifier();
  const n = client.randomNonce();
  const s = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope: 'openid offline_access', state: s, nonce: n,
    code_challenge: await client.calculatePKCECodeChallenge(v), code_challenge_method: 'S256', ...extra,
  });
  const { callback: cb, loginShown } = await authorize(url);
  assert.ok(loginShown, `the login form was shown again for ${JSON.stringify(extra)}`);
  return client.authorizationCodeGrant(config, cb, { pkceCodeVerifier: v, expectedState: s, expectedNonce: n, maxAge: Number(extra.max_age ?? 300) });
};
const maxAged = await fresh({ max_age: '0' });
assert.ok(maxAged.claims().auth_time > claims.auth_time, 'auth_time moved with max_age=0');
const reLogin = await fresh({ prompt: 'login' });
assert.ok(reLogin.claims().auth_time > maxAged.claims().auth_time, 'auth_time moved with prompt=login');
step('max_age=0 and prompt=login authenticate anew', `auth_time ${claims.auth_time} < ${maxAged.claims().auth_time} < ${reLogin.claims().auth_time}`);

// 10. A scope the client is not registered for is invalid_scope, at refresh as anywhere.
await assert.rejects(
  client.refreshTokenGrant(config, reLogin.refresh_token, { scope: 'openid offline_access federation.feed' }),
  (e) => e.error === 'invalid_scope');
step('unregistered scope is invalid_scope');

// 11. A revoked access token is inactive at introspection and refused at userinfo.
await client.tokenRevocation(config, reLogin.access_token, { token_type_hint: 'access_token' });
assert.equal((await client.tokenIntrospection(config, reLogin.access_token)).active, false);
await assert.rejects(client.fetchUserInfo(config, reLogin.access_token, reLogin.claims().sub));
step('revoked access token inactive and refused at userinfo');

// 12. End session with a tampered id_token_hint is refused; the session stays.
const [header, payload] = reLogin.id_token.split('.');
const forged = client.buildEndSessionUrl(config, {
  id_token_hint: `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`,
  post_logout_redirect_uri: process.env.POST_LOGOUT_REDIRECT_URI ?? redirectUri,
});
assert.equal((await browse(forged)).status, 400);
step('forged id_token_hint refused');

console.log('INTEROP OK');
