// An OAuth 2.1 authorization server for `mcpguard serve` in OAuth mode: oidc-provider 9.13 issuing JWT access
// tokens (RFC 9068) by the client_credentials grant with RFC 8707 resource indicators, for the guard's resource and
// for another one. Clients: "trader" and "analyst" (secret "secret"), "reader" (granted mcp:read only).
// usage: node issuer.mjs GUARD_RESOURCE_URL  → prints "LISTENING <issuer port>".
// GET /test/expired?resource=URL answers an access token signed with the provider's own key, for that resource,
// that expired an hour ago (what a client holding on to an old token sends, without waiting for one to expire).
import { createServer } from 'node:http';
import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';
import { SignJWT, importJWK } from 'jose';

const guard = process.argv[2];
const other = 'https://other.example/mcp';
// The key is made as PEM and read back before its JWK export: exporting the KeyObject generateKeyPairSync returns
// deadlocks Node 20 now and then (a GC during the export collects the generation job, whose destructor takes the
// key's lock the export holds), and the issuer never printed LISTENING.
const pem = { type: 'pkcs8', format: 'pem' };
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048, privateKeyEncoding: pem, publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const jwk = { ...createPrivateKey(privateKey).export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

const server = createServer();
const port = await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const issuer = `http://127.0.0.1:${port}`;
const client = (id, scope) => ({
  client_id: id, client_secret: 'secret', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope,
});
const provider = new Provider(issuer, {
  jwks: { keys: [jwk] },
  clients: [client('trader', 'mcp:tools'), client('analyst', 'mcp:tools'), client('reader', 'mcp:read')],
  scopes: ['mcp:tools', 'mcp:read'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => guard,
      getResourceServerInfo: (ctx, indicator) => {
        if (indicator !== guard && indicator !== other) throw new Error('unknown resource');
        return { scope: 'mcp:tools mcp:read', audience: indicator, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
});
provider.on('grant.success', ctx => process.stderr.write(`GRANT ${ctx.oidc.params.grant_type}\n`));
provider.on('grant.error', (ctx, error) => process.stderr.write(`GRANT ERROR ${error.message} ${error.error_description}\n`));
const callback = provider.callback();

server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/test/expired') {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ client_id: 'trader', scope: 'mcp:tools', jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt' })
      .setIssuer(issuer).setAudience(url.searchParams.get('resource')).setSubject('trader')
      .setIssuedAt(now - 7200).setExpirationTime(now - 3600)
      .sign(await importJWK(jwk, 'RS256'));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(token);
    return;
  }
  callback(req, res);
});

process.stdout.write(`LISTENING ${port}\n`);
