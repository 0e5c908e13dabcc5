// A protected MCP server for `mcpguard login` tests: oidc-provider 9.13 as the OAuth 2.1 authorization server
// (dynamic registration, PKCE, RFC 8707 resource indicators, refresh tokens, revocation, its dev login and consent
// pages) and the v2 test server (../v2/http-handler.mjs) as the resource server, which takes only access tokens
// issued for its own URL: else 401 with WWW-Authenticate resource_metadata (RFC 9728).
// usage: node server.mjs [ACCESS_TOKEN_TTL_SECONDS]  → prints "LISTENING <mcp port> <issuer port>".
// stderr: "GRANT <grant_type>" per token request, "TOKEN ok|refused" per MCP request, "RAN ..." per tool run.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { handle, send, toRequest } from '../v2/http-handler.mjs';

const ttl = Number(process.argv[2] ?? 3600);
const listen = server => new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));

const mcp = createServer();
const mcpPort = await listen(mcp);
const resource = `http://127.0.0.1:${mcpPort}/mcp`;
const metadataUrl = `http://127.0.0.1:${mcpPort}/.well-known/oauth-protected-resource/mcp`;

const auth = createServer();
const authPort = await listen(auth);
const issuer = `http://127.0.0.1:${authPort}`;
const provider = new Provider(issuer, {
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator) => {
        if (indicator !== resource) throw new Error('unknown resource');
        return { scope: 'mcp', audience: resource, accessTokenTTL: ttl, accessTokenFormat: 'opaque' };
      },
    },
  },
  scopes: ['mcp', 'offline_access'],
  issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: { AccessToken: ttl },
});
provider.on('grant.success', ctx => process.stderr.write(`GRANT ${ctx.oidc.params.grant_type}\n`));
provider.on('grant.error', (ctx, error) => process.stderr.write(`GRANT ERROR ${ctx.oidc.params?.grant_type} ${error.message}\n`));
auth.on('request', provider.callback());

mcp.on('request', async (req, res) => {
  if (req.url === '/.well-known/oauth-protected-resource/mcp') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ resource, authorization_servers: [issuer], scopes_supported: ['mcp'], bearer_methods_supported: ['header'] }));
    return;
  }
  const header = req.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? await provider.AccessToken.find(header.slice(7)) : undefined;
  if (!token || token.isExpired || token.aud !== resource) {
    process.stderr.write('TOKEN refused\n');
    for await (const _ of req) { /* drain */ }
    res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${metadataUrl}"` });
    res.end();
    return;
  }
  process.stderr.write('TOKEN ok\n');
  await send(res, await handle(await toRequest(req)));
});

process.stdout.write(`LISTENING ${mcpPort} ${authPort}\n`);
