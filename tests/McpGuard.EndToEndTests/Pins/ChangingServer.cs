using System.Text.Json.Nodes;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Pins;

/// <summary>
/// A stdio MCP server whose tools are whatever its tools file says at the moment it is asked (two pages), so a
/// test changes the list by rewriting the file; calling its tool <c>announce</c> makes it send
/// <c>notifications/tools/list_changed</c>. It answers both eras (a modern request gets <c>resultType</c>).
/// </summary>
internal sealed class ChangingServer : IDisposable
{
    private const string Script = """
        const fs = require('fs');
        const file = process.argv[1];
        const rl = require('readline').createInterface({ input: process.stdin });
        const send = m => process.stdout.write(JSON.stringify(m) + '\n');
        rl.on('line', l => {
          if (l.trim() === '') return; // run's poke of a server slow to answer a 2026-07-28 probe: servers skip it
          const m = JSON.parse(l);
          if (m.id === undefined) return;
          const modern = !!(m.params && m.params._meta && m.params._meta['io.modelcontextprotocol/protocolVersion']);
          const done = r => send({ jsonrpc: '2.0', id: m.id, result: modern ? { ...r, resultType: 'complete' } : r });
          if (m.method === 'initialize') done({ protocolVersion: m.params.protocolVersion,
            capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'changing', version: '1' } });
          else if (m.method === 'tools/list') {
            const tools = JSON.parse(fs.readFileSync(file, 'utf8'));
            const half = Math.ceil(tools.length / 2);
            if (m.params && m.params.cursor === 'p2') done({ tools: tools.slice(half), ttlMs: 60000 });
            else done({ tools: tools.slice(0, half), nextCursor: 'p2', ttlMs: 60000 });
          }
          else if (m.method === 'tools/call') {
            if (m.params.name === 'announce') send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
            done({ content: [{ type: 'text', text: 'ran ' + m.params.name }] });
          }
          else if (m.method === 'ping') done({});
          else send({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'Method not found: ' + m.method } });
        });
        rl.on('close', () => process.exit(0));
        """;

    public const string PlaceOrder = """
        {"name":"place_order","description":"Places an order.\nSpot only.",
         "inputSchema":{"type":"object","properties":{
          "side":{"type":"string","enum":["Buy","Sell"]},"qty":{"type":"string"},
          "tp":{"type":"object","properties":{"price":{"type":"string"}}}}},
         "annotations":{"destructiveHint":false}}
        """;

    public const string GetTime =
        """{"name":"get_time","description":"The server's clock.","inputSchema":{"type":"object"}}""";

    public const string Announce =
        """{"name":"announce","description":"Sends list_changed.","inputSchema":{"type":"object"}}""";

    public ChangingServer(params string[] tools)
    {
        ToolsFile = TempFiles.Write("tools.json", "[]");
        LockFile = Path.Combine(Path.GetTempPath(), $"mcpguard-{Guid.NewGuid():n}-pins.lock.json");
        SetTools(tools);
    }

    public string ToolsFile { get; }

    /// <summary>Where the tests' policies put the lock file (absolute, so the policy may live anywhere).</summary>
    public string LockFile { get; }

    public IEnumerable<string> Command => ["node", "-e", Script, ToolsFile];

    public void SetTools(params string[] tools)
    {
        var array = new JsonArray();
        foreach (var tool in tools)
        {
            array.Add(JsonNode.Parse(tool));
        }

        File.WriteAllText(ToolsFile, array.ToJsonString());
    }

    /// <summary>The policy every test starts from: the lock file pinned, and what on_change / on_new do.</summary>
    public string Policy(string onChange = "hide", string onNew = "hide", string extra = "") =>
        $"version: 1\ndefault: allow\npins:\n  file: '{LockFile}'\n  on_change: {onChange}\n  on_new: {onNew}\n{extra}";

    public void Dispose()
    {
        File.Delete(ToolsFile);
        File.Delete(LockFile);
    }
}
