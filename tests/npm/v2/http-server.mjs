// The TypeScript SDK v2 test server over Streamable HTTP (http-handler.mjs: both eras on one endpoint).
// usage: node http-server.mjs [--tls CERT.pem KEY.pem] [--header-tool]   → prints "LISTENING <port>" on stdout (a free
// loopback port); with --tls it serves HTTPS with that certificate; --header-tool adds regional_echo (an x-mcp-header).
// Every HTTP request is reported on stderr as "HTTP <json of method and headers>", so a test can prove what arrived.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { handle, send, toRequest } from './http-handler.mjs';
import { serverOptions } from './tools.mjs';

serverOptions.headerTool = process.argv.includes('--header-tool');
const tls = process.argv.indexOf('--tls');
const listener = async (req, res) => {
  process.stderr.write(`HTTP ${JSON.stringify({ method: req.method, headers: req.headers })}\n`);
  await send(res, await handle(await toRequest(req)));
};
const server = tls < 0
  ? createHttpServer(listener)
  : createHttpsServer({ cert: readFileSync(process.argv[tls + 1]), key: readFileSync(process.argv[tls + 2]) }, listener);
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
