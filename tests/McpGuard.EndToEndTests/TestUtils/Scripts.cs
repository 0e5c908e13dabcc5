namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// Tiny servers written inline in node, for lifecycle cases that need a child with a precise misbehaviour.
/// </summary>
internal static class Scripts
{
    /// <summary>
    /// The start of each script below: <c>rl</c> reads stdin by lines, <c>send(m)</c> writes one message a line,
    /// <c>initialized(m, name)</c> is the answer to the <c>initialize</c> request <c>m</c> from a 2025-06-18 server
    /// with tools, called <c>name</c>, and <c>listed(m, name)</c> answers a <c>tools/list</c> with the one tool
    /// <c>name</c>.
    /// </summary>
    public const string Preamble = """
        const rl = require('readline').createInterface({ input: process.stdin });
        const send = m => process.stdout.write(JSON.stringify(m) + '\n');
        const initialized = (m, name) => ({ jsonrpc: '2.0', id: m.id, result: {
          protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name, version: '1' } } });
        const listed = (m, name) => ({ jsonrpc: '2.0', id: m.id,
          result: { tools: [{ name, inputSchema: { type: 'object' } }] } });
        """;

    /// <summary>
    /// Answers initialize; for any other request prints nothing (so requests stay pending) until stdin closes.
    /// </summary>
    public const string Silent = Preamble + "\n" + """
        rl.on('line', l => {
          const m = JSON.parse(l);
          if (m.method === 'initialize') send(initialized(m, 'silent'));
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
    public const string BigAnswers = Preamble + "\n" + """
        const big = 'x'.repeat(20 * 1024 * 1024);
        rl.on('line', l => {
          const m = JSON.parse(l);
          if (m.id === undefined) return;
          if (m.method === 'initialize') send(initialized(m, 'big'));
          else if (m.method === 'tools/list') send(listed(m, 'big'));
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
    public const string Orders = Preamble + "\n" + """
        let received = 0;
        rl.on('line', l => {
          const m = JSON.parse(l);
          if (m.id === undefined) return;
          if (m.method === 'initialize') send(initialized(m, 'orders'));
          else if (m.method === 'tools/list') send(listed(m, 'order'));
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
