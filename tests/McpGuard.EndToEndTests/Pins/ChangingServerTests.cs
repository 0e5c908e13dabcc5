using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Pins;

/// <summary>
/// The pins tests' server takes what <c>run</c> writes to a child that has not answered a 2026-07-28 probe: one
/// empty line (docs/relay.md#a-2025-only-server-and-a-modern-client; "servers skip it").
/// </summary>
public sealed class ChangingServerTests
{
    private const string Discover = """
        {"jsonrpc":"2.0","id":"d","method":"server/discover","params":{"_meta":{
        "io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"raw",
        "version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}
        """;

    private const string Initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    /// <summary>
    /// A probe and then initialize before the server has answered: the guard holds initialize and writes the empty
    /// line at once, the order a slow node start gives the SDK client's probe after 1 s. The script died of it
    /// (JSON.parse of an empty line, exit 1), so a loaded machine failed PinnedRunTests at the handshake with "The MCP
    /// server exited (code 1) before answering".
    /// </summary>
    [Fact]
    public async Task Run_ProbeThenInitialize_TheEmptyLineIsSkipped_InitializeAnswered()
    {
        using var server = new ChangingServer(ChangingServer.GetTime);
        await using var guard = RawGuard.Start("version: 1\ndefault: allow\n", server.Command);

        await guard.SendAsync(Discover.ReplaceLineEndings(""));
        await guard.SendAsync(Initialize);

        var probe = await guard.ResponseAsync("\"d\"");
        var initialized = await guard.ResponseAsync("0");
        Assert.Equal(-32601, probe.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(
            "changing", initialized.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
    }
}
