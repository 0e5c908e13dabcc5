// The TypeScript SDK v2 test server over Streamable HTTP (http-handler.mjs: both eras on one endpoint).
// usage: node http-server.mjs   → prints "LISTENING <port>" on stdout (a free loopback port).
// Every HTTP request is reported on stderr as "HTTP <json of method and headers>", so a test can prove what arrived.
import { createServer } from 'node:http';
import { handle, send, toRequest } from './http-handler.mjs';

const server = createServer(async (req, res) => {
  process.stderr.write(`HTTP ${JSON.stringify({ method: req.method, headers: req.headers })}\n`);
  await send(res, await handle(await toRequest(req)));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
