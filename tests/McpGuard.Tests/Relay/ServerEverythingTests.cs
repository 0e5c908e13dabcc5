using System.Text.Json;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Relay;

/// <summary>A raw-bytes session through the relay with a real third-party server: @modelcontextprotocol/server-everything.</summary>
public sealed class ServerEverythingTests
{
    private const string Policy = """
        version: 1
        default: allow
        hide: [get-env]
        """;

    [Fact]
    public async Task RunAsync_ServerEverything_InitializeListHidesGetEnvAndEchoWorks()
    {
        await using var relay = RelayHarness.Start(Policy, ["node", ServerEverythingPath(), "stdio"]);

        await relay.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"relay-test","version":"1"}}}""");
        var initialized = await relay.ReadResponseAsync("1");
        await relay.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");

        var names = new List<string>();
        string? cursor = null;
        var page = 0;
        do
        {
            page++;
            var parameters = cursor is null ? "" : $",\"params\":{{\"cursor\":{JsonSerializer.Serialize(cursor)}}}";
            await relay.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":\"list-{page}\",\"method\":\"tools/list\"{parameters}}}");
            var listed = (await relay.ReadResponseAsync($"\"list-{page}\"")).GetProperty("result");
            names.AddRange(listed.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!));
            cursor = listed.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        await relay.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello \u00e9"}}}""");
        var echoed = await relay.ReadResponseAsync("2");
        await relay.SendAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get-env","arguments":{}}}""");
        var hidden = await relay.ReadResponseAsync("3");

        Assert.True(initialized.GetProperty("result").TryGetProperty("serverInfo", out _));
        Assert.Contains("echo", names);
        Assert.DoesNotContain("get-env", names);
        Assert.Contains("hello é", echoed.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(-32602, hidden.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("Unknown tool: get-env", hidden.GetProperty("error").GetProperty("message").GetString());
    }

    private static string ServerEverythingPath()
    {
        const string Relative = "tests/npm/node_modules/@modelcontextprotocol/server-everything/dist/index.js";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "McpGuard.sln")))
            {
                var path = Path.Combine(directory.FullName, Relative);
                Assert.True(File.Exists(path), $"{Relative} is missing: run `npm ci --prefix tests/npm` in the repository root (.ci/run does this).");
                return path;
            }
        }

        Assert.Fail("Could not find the repository root (McpGuard.sln) above " + AppContext.BaseDirectory);
        return "";
    }
}
