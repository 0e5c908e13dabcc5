// A TypeScript SDK v2 (2.4.0) client driven by a scenario, for the guard's end-to-end tests.
// usage: node client.mjs auto|legacy SCENARIO -- COMMAND [ARGS...]
//    or: node client.mjs auto|legacy SCENARIO --url URL   (Streamable HTTP, e.g. mcpguard serve; TOKEN=… as a bearer)
// Prints one JSON line per step: {"step":..., "result":...} or {"step":..., "error":{"code":..., "message":...}}.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const [mode, scenario, dashes, command, ...args] = process.argv.slice(2);
if (dashes !== '--' && dashes !== '--url') throw new Error('usage: client.mjs MODE SCENARIO (-- COMMAND [ARGS...] | --url URL)');
const print = o => process.stdout.write(JSON.stringify(o) + '\n');
// What the person answers to an elicitation: APPROVE=yes|no|never (never answers: let it time out).
const answer = process.env.APPROVE ?? 'yes';
// The tool the model picks when the server asks it to (sampling with tools): PICK={"name":...,"input":{...}}.
const pick = JSON.parse(process.env.PICK ?? '{"name":"place_order","input":{"qty":"9"}}');
const client = new Client({ name: 'v2-test-client', version: '1.0.0' }, {
  capabilities: { elicitation: { form: {} }, sampling: { tools: {} } },
  versionNegotiation: { mode },
});
client.setRequestHandler('elicitation/create', async (request) => {
  print({ step: 'elicited', message: request.params.message, keys: Object.keys(request.params.requestedSchema?.properties ?? {}) });
  if (answer === 'never') return new Promise(() => {});
  const props = Object.keys(request.params.requestedSchema?.properties ?? {});
  const content = Object.fromEntries(props.map(p => [p, answer === 'yes']));
  return { action: 'accept', content };
});
client.setRequestHandler('sampling/createMessage', async (request) => {
  print({ step: 'sampled', tools: (request.params.tools ?? []).map(t => t.name) });
  return { role: 'assistant', model: 'test-model', stopReason: 'toolUse',
    content: [{ type: 'tool_use', id: 'use-1', name: pick.name, input: pick.input }] };
});
// The SDK hands the guard only a few variables (HOME, PATH, ...); PASS_ENV=1 hands it this whole environment.
const transport = dashes === '--url'
  ? new StreamableHTTPClientTransport(new URL(command),
    { requestInit: { headers: process.env.TOKEN ? { Authorization: `Bearer ${process.env.TOKEN}` } : {} } })
  : new StdioClientTransport({ command, args, stderr: 'inherit', env: process.env.PASS_ENV === '1' ? process.env : undefined });
const step = async (name, action) => {
  try { print({ step: name, result: await action() }); }
  catch (e) { print({ step: name, error: { code: e.code ?? null, message: String(e.message ?? e) } }); }
};
await client.connect(transport);
print({ step: 'connected', era: client.getNegotiatedProtocolVersion?.() ?? null });
const call = (name, args) => client.callTool({ name, arguments: args });
switch (scenario) {
  case 'everything':
    // server-everything's own tools: the list (after the policy hid what it hides), then two calls.
    await step('list', async () => (await client.listTools()).tools.map(t => t.name));
    await step('echo', () => call('echo', { message: 'hi' }));
    await step('sum', () => call('get-sum', { a: 1, b: 2 }));
    break;
  case 'deny':
    await step('denied', () => call('place_order', { symbol: 'BTCUSDT', qty: '5' }));
    await step('allowed', () => call('echo', { text: 'hi' }));
    break;
  case 'redact':
    // The echo tool answers what it was sent: the guard's result policy reads the answer on its way back.
    await step('secret', () => call('echo', { text: 'key AKIAIOSFODNN7EXAMPLE, mail alice@example.com' }));
    await step('clean', () => call('echo', { text: 'nothing to hide' }));
    break;
  case 'call-first':
    await step('echo', () => call('echo', { text: 'first' }));
    await step('list', async () => (await client.listTools()).tools.map(t => t.name));
    break;
  case 'late-tool':
    await step('list', async () => (await client.listTools()).tools.map(t => t.name));
    await step('add', () => call('add_tool', {}));
    await step('late', () => call('late', {}));
    break;
  case 'approve':
    await step('order', () => call('place_order', { symbol: 'BTCUSDT', qty: '0.6' }));
    break;
  case 'wait-for-person': {
    // A client with a short request timeout that resets it on progress (docs/approval.md#client-timeouts): it keeps
    // waiting for as long as the guard says a person is still deciding. Each progress notification is a step.
    const timeout = Number(process.env.REQUEST_TIMEOUT_MS ?? '60000');
    // Listed first, so the timed call waits only for the person: not for the guard to start its server and list its
    // tools (seconds on a loaded machine, and before any approval there is nothing to report progress on).
    await step('list', async () => (await client.listTools()).tools.map(t => t.name));
    await step('order', () => client.callTool({ name: 'place_order', arguments: { symbol: 'BTCUSDT', qty: '0.6' } }, {
      timeout, resetTimeoutOnProgress: true,
      onprogress: p => print({ step: 'progress', progress: p.progress, message: p.message ?? null }),
    }));
    break;
  }
  case 'server-rounds':
    await step('confirm', () => call('confirm', { qty: '0.6' }));
    await step('confirm-again', () => call('confirm', { qty: '0.3' }));
    break;
  case 'sampling':
    await step('pick', () => call('pick_tools', {}));
    break;
  case 'listen': {
    const seen = [];
    client.setNotificationHandler('notifications/tools/list_changed', n => { seen.push(n.params ?? {}); print({ step: 'list_changed', params: n.params ?? {} }); });
    await step('list', async () => (await client.listTools()).tools.map(t => t.name));
    const subscription = await client.listen({ toolsListChanged: true });
    print({ step: 'listening', honored: subscription.honoredFilter });
    // The test rewrites the policy now and waits for a list_changed line; then it closes our stdin.
    process.stdin.resume();
    await new Promise(resolve => process.stdin.on('end', resolve));
    break;
  }
  case 'bybit':
    await step('list', async () => (await client.listTools()).tools.map(t => t.name));
    await step('order', () => call('place_order', { category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' }));
    await step('leverage', () => call('set_leverage', { category: 'linear', symbol: 'BTCUSDT', buyLeverage: '10', sellLeverage: '10' }));
    break;
  default:
    throw new Error('unknown scenario ' + scenario);
}
await client.close();
print({ step: 'closed' });
