// The TypeScript SDK v2 test server (tools.mjs) as a fetch-style handler for Streamable HTTP, both eras on one
// endpoint: 2026-07-28 requests through createMcpHandler (stateless, per request), 2025 traffic through a sessionful
// WebStandardStreamableHTTPServerTransport per Mcp-Session-Id (GET stream, DELETE). Used by http-server.mjs and
// oauth/server.mjs.
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

export async function handle(request) {
  return (await isLegacyRequest(request.clone())) ? legacy(request) : modern.fetch(request);
}

/** A web Request from node's IncomingMessage (its body read whole). */
export async function toRequest(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = req.method === 'POST' ? Buffer.concat(chunks) : undefined;
  return new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers, body });
}

/** Writes a web Response to node's ServerResponse. */
export async function send(res, response) {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) (await import('node:stream')).Readable.fromWeb(response.body).pipe(res); else res.end();
}
