// The TypeScript SDK v2 (2.4.0) test server (tools.mjs) over Streamable HTTP, both eras on one endpoint:
// 2026-07-28 requests through createMcpHandler (stateless, per request), 2025 traffic through a sessionful
// WebStandardStreamableHTTPServerTransport per Mcp-Session-Id (GET stream, DELETE).
// usage: node http-server.mjs   → prints "LISTENING <port>" on stdout (a free loopback port).
// Every HTTP request is reported on stderr as "HTTP <json of method and headers>", so a test can prove what arrived.
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { createMcpHandler, isLegacyRequest, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { makeServer } from './tools.mjs';

const onerror = e => process.stderr.write(`server error: ${e.message}\n`);
const modern = createMcpHandler(makeServer, { legacy: 'reject', onerror });
const sessions = new Map();

async function legacy(request) {
  const id = request.headers.get('mcp-session-id');
  if (id) {
    const transport = sessions.get(id);
    return transport ? transport.handleRequest(request) : new Response('unknown session', { status: 404 });
  }
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: sessionId => sessions.set(sessionId, transport),
    onsessionclosed: sessionId => { sessions.delete(sessionId); process.stderr.write(`SESSION CLOSED ${sessionId}\n`); },
  });
  await makeServer().connect(transport);
  return transport.handleRequest(request);
}

const server = createServer(async (req, res) => {
  process.stderr.write(`HTTP ${JSON.stringify({ method: req.method, headers: req.headers })}\n`);
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = req.method === 'POST' ? Buffer.concat(chunks) : undefined;
  const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers, body });
  const response = (await isLegacyRequest(request.clone())) ? await legacy(request) : await modern.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) Readable.fromWeb(response.body).pipe(res); else res.end();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
