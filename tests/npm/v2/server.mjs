// A TypeScript SDK v2 (2.4.0) server for the guard's end-to-end tests; serves both eras (serveStdio).
// Tools (tools.mjs): echo (plain), place_order (plain, has qty), confirm (asks the client itself with an input_required
// round before it completes), wait_ms (answers after a while), add_tool (registers `late`: a list change).
// Every tools/call it runs is reported on stderr as "RAN <name> <arguments JSON>", so a test can prove what ran.
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { makeServer } from './tools.mjs';

process.stderr.write(`SERVER PID ${process.pid}\n`);

serveStdio(makeServer, { onerror: e => process.stderr.write(`server error: ${e.message}\n`) });
