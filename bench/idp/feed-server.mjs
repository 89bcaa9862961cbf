// The smallest register for the benchmark: serves one federation feed with the bench client.
//   PORT=… CLIENT_ID=… CLIENT_SECRET=… node feed-server.mjs
import http from 'node:http';
import { pbkdf2Sync, randomBytes } from 'node:crypto';

// The feed carries a client's secret only as its hash (core/Secrets/ClientSecretHash.cs's format).
const secretHash = (secret) => {
  const salt = randomBytes(16);
  const key = pbkdf2Sync(secret, salt, 100_000, 32, 'sha256');
  return `pbkdf2-sha256$100000$${salt.toString('base64')}$${key.toString('base64')}`;
};

const port = Number(process.env.PORT ?? 5802);
const feed = {
  version: 1,
  generatedAt: new Date().toISOString(),
  systems: [{
    id: 'bench',
    name: 'Benchmark client',
    lifecycle: 'AnvandningOchSupport',
    access: { roles: [], groups: [], schoolUnits: [], assuranceLevel: 'loa2' },
    release: [],
    oidcClient: {
      clientId: process.env.CLIENT_ID ?? 'bench-client',
      clientSecretHash: secretHash(process.env.CLIENT_SECRET ?? 'bench-secret-0123456789'),
      redirectUris: [],
      postLogoutRedirectUris: [],
      grantTypes: ['client_credentials'],
      scopes: ['federation.feed'],
    },
  }],
};
const body = JSON.stringify(feed);
const etag = '"v1"';
http.createServer((req, res) => {
  if (req.method === 'POST') { req.resume(); res.writeHead(202).end(); return; } // sign-in events
  if (req.headers['if-none-match'] === etag) {
    const wait = Number(new URL(req.url, 'http://x').searchParams.get('wait') ?? 0);
    setTimeout(() => res.writeHead(304).end(), Math.min(wait, 30) * 1000);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
}).listen(port, '127.0.0.1', () => console.log(`feed on http://127.0.0.1:${port}/api/federation/feed`));
