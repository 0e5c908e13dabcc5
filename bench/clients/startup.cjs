// Start-up as a real client sees it: the TypeScript SDK v2 client (tests/npm) spawns each command and connects
// (initialize, its answer, notifications/initialized); the time is from before the spawn to connect() resolving.
// usage: node startup.cjs NPM_DIR ROUNDS NAME=COMMAND_JSON... ; prints {"name": [ms, ...], ...}
const { createRequire } = require('module');
const [npm, rounds, ...sides] = process.argv.slice(2);
const load = createRequire(`${npm}/package.json`);
const { Client } = load('@modelcontextprotocol/client');
const { StdioClientTransport } = load('@modelcontextprotocol/client/stdio');

async function once([command, ...args]) {
  const started = process.hrtime.bigint();
  const client = new Client({ name: 'bench', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
  const transport = new StdioClientTransport({ command, args, env: process.env, stderr: 'ignore' });
  await client.connect(transport);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await client.close();
  return ms;
}

(async () => {
  const named = sides.map(s => [s.slice(0, s.indexOf('=')), JSON.parse(s.slice(s.indexOf('=') + 1))]);
  const results = Object.fromEntries(named.map(([name]) => [name, []]));
  for (let round = 0; round < Number(rounds); round++) {
    for (const [name, command] of named) results[name].push(await once(command));
  }
  process.stdout.write(JSON.stringify(results) + '\n');
})().catch(e => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
