using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using McpGuard.Tests.TestUtils;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A real MCP server from npm over Streamable HTTP on a loopback port it binds itself (port 0): the TypeScript SDK
/// v2 test server (tests/npm/v2/http-server.mjs, both eras; its stderr carries a line per HTTP request, with method
/// and headers, and a line per tool that ran), or server-everything in its streamableHttp mode.
/// </summary>
internal sealed class NodeHttpServer : IAsyncDisposable
{
    private readonly FixtureProcess _process;

    private NodeHttpServer(FixtureProcess process, int port, IReadOnlyList<int>? ports = null)
    {
        _process = process;
        Ports = ports ?? [port];
        Url = $"http://127.0.0.1:{port}/mcp";
    }

    public string Url { get; }

    /// <summary>Every port the script said it listens on (the MCP endpoint's first).</summary>
    public IReadOnlyList<int> Ports { get; }

    public string Stderr => _process.Stderr;

    /// <summary>Every HTTP request the server received, as <c>{method, headers}</c>.</summary>
    public IReadOnlyList<JsonElement> Requests => Stderr.Split('\n')
        .Where(line => line.StartsWith("HTTP ", StringComparison.Ordinal))
        .Select(line => JsonDocument.Parse(line[5..]).RootElement.Clone())
        .ToList();

    public static Task<NodeHttpServer> StartV2Async() => StartAsync(RepoPaths.NpmScriptPath("v2/http-server.mjs"));

    /// <summary>server-everything (<c>node dist/index.js streamableHttp</c>) on the port it binds (port 0).</summary>
    public static async Task<NodeHttpServer> StartEverythingAsync()
    {
        var (process, port) = await ListeningProcess.StartOnPortZeroAsync(
            "server-everything streamableHttp", "listening on port", "node", RepoPaths.ServerEverything,
            "streamableHttp");
        return new NodeHttpServer(process, port);
    }

    /// <summary>Starts a node script that prints <c>LISTENING PORT...</c> on stdout once it serves.</summary>
    public static async Task<NodeHttpServer> StartAsync(string script, params string[] arguments)
    {
        var process = await FixtureProcess.StartAsync(
            Path.GetFileName(script),
            () =>
            {
                var startInfo = new ProcessStartInfo("node") { WorkingDirectory = Path.GetDirectoryName(script)! };
                startInfo.ArgumentList.Add(script);
                foreach (var argument in arguments)
                {
                    startInfo.ArgumentList.Add(argument);
                }

                return startInfo;
            },
            line => line.StartsWith("LISTENING ", StringComparison.Ordinal),
            TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        var ports = process.ReadyLine["LISTENING ".Length..].Split(' ')
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
        return new NodeHttpServer(process, ports[0], ports);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
