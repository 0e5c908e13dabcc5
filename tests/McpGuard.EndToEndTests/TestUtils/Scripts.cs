namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// Tiny servers written inline in node, for lifecycle cases that need a child with a precise misbehaviour.
/// </summary>
internal static class Scripts
{
    /// <summary>
    /// Answers initialize; for any other request prints nothing (so requests stay pending) until stdin closes.
    /// </summary>
    public const string Silent = """
        const rl = require('readline').createInterface({ input: process.stdin });
        rl.on('line', l => {
          const m = JSON.parse(l);
          if (m.method === 'initialize') console.log(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: {
            protocolVersion: '2025-06-18', capabilities: { tools: {} },
            serverInfo: { name: 'silent', version: '1' } } }));
          if (m.method === 'die') process.exit(3);
        });
        rl.on('close', () => process.exit(0));
        """;

    /// <summary>Ignores stdin EOF and SIGTERM: only a kill stops it.</summary>
    public const string Stubborn = """
        process.on('SIGTERM', () => {});
        process.stdin.resume(); process.stdin.on('end', () => {});
        setInterval(() => {}, 1000);
        """;

    /// <summary>Exits on SIGTERM with a code of its own, after stdin EOF is ignored.</summary>
    public const string IgnoresEof = """
        process.on('SIGTERM', () => process.exit(42));
        process.stdin.resume(); process.stdin.on('end', () => {});
        setInterval(() => {}, 1000);
        """;

    /// <summary>
    /// One tool, <c>big</c>, whose every answer is a 20 MB text (and which reports the size of each request it got).
    /// </summary>
    public const string BigAnswers = """
        const rl = require('readline').createInterface({ input: process.stdin });
        const big = 'x'.repeat(20 * 1024 * 1024);
        const send = m => process.stdout.write(JSON.stringify(m) + '\n');
        rl.on('line', l => {
          const m = JSON.parse(l);
          if (m.id === undefined) return;
          if (m.method === 'initialize') send({ jsonrpc: '2.0', id: m.id, result: {
            protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'big', version: '1' } } });
          else if (m.method === 'tools/list') send({ jsonrpc: '2.0', id: m.id,
            result: { tools: [{ name: 'big', inputSchema: { type: 'object' } }] } });
          else send({ jsonrpc: '2.0', id: m.id,
            result: { content: [{ type: 'text', text: big }], structuredContent: { requestBytes: l.length } } });
        });
        rl.on('close', () => process.exit(0));
        """;

    /// <summary>
    /// One tool, <c>order</c>: answers a JSON-RPC error when <c>fail</c> is "rpc" (the tool did not run), an
    /// <c>isError</c> result when it is "tool" (it ran and failed), else "filled"; each answer says how many
    /// calls this server has received, so a test sees what was really forwarded.
    /// </summary>
    public const string Orders = """
        const rl = require('readline').createInterface({ input: process.stdin });
        const send = m => process.stdout.write(JSON.stringify(m) + '\n');
        let received = 0;
        rl.on('line', l => {
          const m = JSON.parse(l);
          if (m.id === undefined) return;
          if (m.method === 'initialize') send({ jsonrpc: '2.0', id: m.id, result: {
            protocolVersion: '2025-06-18', capabilities: { tools: {} },
            serverInfo: { name: 'orders', version: '1' } } });
          else if (m.method === 'tools/list') send({ jsonrpc: '2.0', id: m.id,
            result: { tools: [{ name: 'order', inputSchema: { type: 'object' } }] } });
          else if (m.method === 'tools/call') {
            received++;
            const fail = (m.params.arguments || {}).fail;
            if (fail === 'rpc') send({ jsonrpc: '2.0', id: m.id,
              error: { code: -32603, message: 'exchange unreachable' } });
            else send({ jsonrpc: '2.0', id: m.id,
              result: { content: [{ type: 'text', text: 'filled #' + received }], isError: fail === 'tool' } });
          } else send({ jsonrpc: '2.0', id: m.id, result: {} });
        });
        rl.on('close', () => process.exit(0));
        """;

    /// <summary>
    /// <see cref="Orders"/>, writing the id of each call it gets into the file named by its argument before it answers.
    /// </summary>
    public static string OrdersLoggedTo => Orders
        .Replace(
            "let received = 0;", "let received = 0;\nconst log = require('fs').openSync(process.argv[1], 'w');",
            StringComparison.Ordinal)
        .Replace("received++;", "received++; require('fs').writeSync(log, m.id + '\\n');", StringComparison.Ordinal);

    public static IEnumerable<string> Node(string script) => ["node", "-e", script];
}
