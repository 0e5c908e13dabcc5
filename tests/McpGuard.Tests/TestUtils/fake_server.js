// A raw line-based MCP server for relay tests. It records every line it receives (raw bytes, or
// "sha256:HEX" for lines over 1 MB) to the file in argv[2] and behaves as the JSON config in argv[3] says.
// stdout writes to a pipe are synchronous on Linux, so "write, then report on stderr" is a true order.
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const recordPath = process.argv[2];
const config = JSON.parse(process.argv[3] || '{}');
const pages = config.pages || [[{ name: 'echo', inputSchema: { type: 'object' } }]];
let heldLists = [];
let failedOnce = false;
let holdLists = !!config.holdToolsList;

function send(obj) { process.stdout.write(JSON.stringify(obj) + '\n'); }
function sendRaw(text) { process.stdout.write(text + '\n'); }
function reply(rawId, result) { sendRaw('{"jsonrpc":"2.0","id":' + rawId + ',"result":' + JSON.stringify(result) + '}'); }
function pattern(size) {
  const unit = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function answerList(rawId, params) {
  const index = params && params.cursor ? Number(params.cursor.slice(1)) : 0;
  const result = { tools: pages[index] };
  if (index + 1 < pages.length) result.nextCursor = 'p' + (index + 1);
  reply(rawId, result);
}

function handle(buffer) {
  if (buffer.length > 1024 * 1024) {
    fs.appendFileSync(recordPath, 'sha256:' + crypto.createHash('sha256').update(buffer).digest('hex') + '\n');
  } else {
    fs.appendFileSync(recordPath, Buffer.concat([buffer, Buffer.from('\n')]));
  }
  const text = buffer.toString('utf8');
  let msg;
  try { msg = JSON.parse(text); } catch { return; }
  if (msg === null || typeof msg !== 'object' || typeof msg.method !== 'string') return;
  // Echo the id's exact text (JSON.parse would round 9007199254740993) when the line starts jsonrpc, id.
  const idText = /^\{"jsonrpc":"2\.0","id":(-?\d+|"(?:[^"\\]|\\.)*")/.exec(text);
  const rawId = msg.id === undefined ? undefined : idText ? idText[1] : JSON.stringify(msg.id);
  const p = msg.params || {};
  switch (msg.method) {
    case 'initialize':
      return reply(rawId, { protocolVersion: '2025-06-18', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'fake', version: '1' } });
    case 'tools/list':
      if (config.failFirstToolsList && !failedOnce) {
        failedOnce = true;
        return sendRaw('{"jsonrpc":"2.0","id":' + rawId + ',"error":{"code":-32002,"message":"not ready"}}');
      }
      if (holdLists) {
        heldLists.push([rawId, p]);
        if (config.announceHeldLists) send({ jsonrpc: '2.0', method: 'test/list-held' });
        return;
      }
      return answerList(rawId, p);
    case 'tools/call':
      switch (p.name) {
        case 'hang': return;
        case 'sha256': return reply(rawId, { content: [{ type: 'text', text: crypto.createHash('sha256').update(buffer).digest('hex') }] });
        case 'big': return reply(rawId, { content: [{ type: 'text', text: pattern(p.arguments.size) }] });
        default: return reply(rawId, { content: [{ type: 'text', text: text }] });
      }
    case 'test/release':
      holdLists = false;
      for (const [id, params] of heldLists) answerList(id, params);
      heldLists = [];
      return;
    case 'test/noise':
      sendRaw('this is not JSON');
      sendRaw('{"jsonrpc":"2.0","method":"x"} trailing');
      sendRaw('[1,2,3]');
      sendRaw('{"unterminated":');
      return send({ jsonrpc: '2.0', method: 'test/noise-done' });
    case 'test/list-changed':
      return send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    case 'test/set-pages':
      pages.length = 0;
      for (const page of p.pages) pages.push(page);
      return;
    case 'test/flood': {
      // Node queues stdout writes in its own memory when the pipe is full; the callback fires once the
      // kernel has the bytes, so "wrote i" means line i really left this process.
      const pad = 'y'.repeat(p.size);
      (async () => {
        for (let i = 1; i <= p.count; i++) {
          await new Promise((resolve) => process.stdout.write('{"jsonrpc":"2.0","method":"test/flood","params":{"i":' + i + ',"pad":"' + pad + '"}}\n', resolve));
          process.stderr.write('wrote ' + i + '\n');
        }
      })();
      return;
    }
    case 'test/server-request':
      return sendRaw('{"jsonrpc":"2.0","id":"srv-1","method":"sampling/createMessage","params":{"messages":[],"maxTokens":1}}');
    case 'test/pause-stdin': {
      // Stop reading stdin until the file RECORD.resume exists, so the guard's writes to us back up.
      process.stdin.pause();
      const poll = setInterval(() => {
        if (fs.existsSync(recordPath + '.resume')) {
          clearInterval(poll);
          process.stdin.resume();
        }
      }, 20);
      process.stderr.write('paused\n');
      return;
    }
    case 'test/exit':
      return process.exit(p.code);
    default:
      if (rawId !== undefined) reply(rawId, {});
  }
}

let chunks = [];
process.stdin.on('data', (chunk) => {
  let start = 0;
  for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
    chunks.push(chunk.subarray(start, nl));
    const line = Buffer.concat(chunks);
    chunks = [];
    start = nl + 1;
    handle(line);
  }
  if (start < chunk.length) chunks.push(chunk.subarray(start));
});
process.stdin.on('end', () => {
  if (config.ignoreEof) {
    setInterval(() => {}, 1000);
    return;
  }
  process.exit(config.exitCodeOnEof || 0);
});
if (config.ignoreSigterm) process.on('SIGTERM', () => process.stderr.write('ignoring SIGTERM\n'));
