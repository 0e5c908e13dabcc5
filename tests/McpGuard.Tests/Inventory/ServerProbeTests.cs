using System.Text.Json;
using McpGuard.Cli;
using McpGuard.Inventory;
using McpGuard.Tests.Cli;
using McpGuard.Tests.TestUtils;
using ModelContextProtocol.Protocol;

namespace McpGuard.Tests.Inventory;

/// <summary>
/// The guard's own connections (tools, check, init, pin) reach servers of every era, and the order of the probe
/// never ends a server: initialize first, server/discover only after initialize was refused with an error.
/// </summary>
public sealed class ServerProbeTests
{
    private const string Tools = """[{"name":"set_trading_stop","inputSchema":{"type":"object"}}]""";

    private const string Discovered = """
        {"supportedVersions":["2026-07-28"],"capabilities":{"tools":{}},"ttlMs":0,"cacheScope":"session",
         "_meta":{"io.modelcontextprotocol/serverInfo":{"name":"bybit-mcp","version":"1"}}}
        """;

    private const string Initialized = """
        {"protocolVersion":"2025-03-26","capabilities":{"tools":{}},"serverInfo":{"name":"bybit-mcp","version":"1"}}
        """;

    private static Task<(int ExitCode, string Output, string Error)> ToolsAsync(ScriptedServer server) =>
        RunToolsAsync(server.Connector);

    private static async Task<(int ExitCode, string Output, string Error)> RunToolsAsync(ServerConnector connector)
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(
            temp.File("policy.yaml"), "version: 1\ndefault: deny\n", TestContext.Current.CancellationToken);
        return await CommandRunner.RunAsync(
            ToolsCommand.Create(connector), "--json", "--policy", temp.File("policy.yaml"), "--", "some-server");
    }

    private static List<string> Methods(ScriptedServer server) =>
        [.. server.Received.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("method").GetString()!)];

    /// <summary>
    /// The risk the tools command shows: "write" only when the server's name picked the Bybit catalogue.
    /// </summary>
    private static string Risk(string output) =>
        JsonDocument.Parse(output).RootElement[0].GetProperty("risk").GetString()!;

    [Fact]
    public async Task Probe_LegacyServerThatExitsOnAnyOtherRequestBeforeInitialize_IsListed()
    {
        await using var server = ScriptedServer.Listing(Tools, serverName: "bybit-mcp", exitsBeforeInitialize: true);

        var (exitCode, output, error) = await ToolsAsync(server);

        Assert.True(exitCode == 0, error);
        Assert.Equal(["initialize", "notifications/initialized", "tools/list"], Methods(server));
        Assert.Equal("write", Risk(output));
    }

    [Fact]
    public async Task Probe_ModernOnlyServerRefusingInitialize_ListsInTheModernEraOnTheSameConnection()
    {
        await using var server = new ScriptedServer(method => method switch
        {
            "server/discover" => Discovered,
            "tools/list" => $$"""{"tools":{{Tools}},"resultType":"complete","ttlMs":0,"cacheScope":"session"}""",
            _ => null,
        });

        var (exitCode, output, error) = await ToolsAsync(server);

        Assert.True(exitCode == 0, error);
        Assert.Equal(["initialize", "server/discover", "tools/list"], Methods(server));
        var list = JsonDocument.Parse(server.Received.Last()).RootElement.GetProperty("params").GetProperty("_meta");
        Assert.Equal("2026-07-28", list.GetProperty("io.modelcontextprotocol/protocolVersion").GetString());
        Assert.Equal(
            "mcpguard", list.GetProperty("io.modelcontextprotocol/clientInfo").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Object, list.GetProperty("io.modelcontextprotocol/clientCapabilities").ValueKind);
        Assert.Equal("write", Risk(output));
    }

    [Fact]
    public async Task Probe_DualEraServer_TakesInitializeAndIsNeverAskedToDiscover()
    {
        await using var server = new ScriptedServer(method => method switch
        {
            "initialize" => Initialized,
            "server/discover" => Discovered,
            "tools/list" => $$"""{"tools":{{Tools}}}""",
            _ => null,
        });

        var (exitCode, _, error) = await ToolsAsync(server);

        Assert.True(exitCode == 0, error);
        Assert.Equal(["initialize", "notifications/initialized", "tools/list"], Methods(server));
        Assert.DoesNotContain("_meta", server.Received.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_ServerRefusingBothEras_SaysSoInOneLine()
    {
        await using var server = new ScriptedServer(_ => null);

        var (exitCode, _, error) = await ToolsAsync(server);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Equal(
            "mcpguard: cannot list the tools of 'some-server': the server refused initialize (Method not found) and "
            + "server/discover (Method not found) (--verbose for details)",
            error.TrimEnd());
    }

    [Fact]
    public async Task Probe_ServerThatEndsBeforeAnswering_SaysSoInOneLine()
    {
        // What a server that dies at start looks like (a uvx package that fails at import): its stdout just ends.
        var ended = new ServerConnector((_, _) => new StreamClientTransport(new MemoryStream(), new MemoryStream()));

        var (exitCode, _, error) = await RunToolsAsync(ended);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Equal(
            "mcpguard: cannot list the tools of 'some-server': the server closed the connection before answering "
            + "initialize (--verbose for details)",
            error.TrimEnd());
    }
}
