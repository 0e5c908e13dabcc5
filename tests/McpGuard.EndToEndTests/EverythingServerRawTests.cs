using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// A raw-bytes session through the real guard with a real third-party server (server-everything from npm):
/// lines as a client writes them, not as an SDK would. Here rather than in the unit tests, which need no Node.js.
/// </summary>
public sealed class EverythingServerRawTests
{
    private const string Policy = """
        version: 1
        default: allow
        hide: [get-env]
        """;

    [Fact]
    public async Task Run_ServerEverythingRawSession_InitializeListHidesGetEnvAndEchoWorks()
    {
        await using var guard = RawGuard.Start(Policy, GuardedServer.Everything());

        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-06-18","capabilities":{}"""
                + ""","clientInfo":{"name":"relay-test","version":"1"}}}""");
        var initialized = await guard.ResponseAsync("1");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");

        var names = new List<string>();
        string? cursor = null;
        var page = 0;
        do
        {
            page++;
            var parameters = cursor is null ? "" : $",\"params\":{{\"cursor\":\"{JsonEncodedText.Encode(cursor)}\"}}";
            await guard.SendAsync(
                $"{{\"jsonrpc\":\"2.0\",\"id\":\"list-{page}\",\"method\":\"tools/list\"{parameters}}}");
            var listed = (await guard.ResponseAsync($"\"list-{page}\"")).GetProperty("result");
            names.AddRange(
                listed.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!));
            cursor = listed.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":"""
                + """{"name":"echo","arguments":{"message":"hello \u00e9"}}}""");
        var echoed = await guard.ResponseAsync("2");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get-env","arguments":{}}}""");
        var hidden = await guard.ResponseAsync("3");

        Assert.True(initialized.GetProperty("result").TryGetProperty("serverInfo", out _));
        Assert.Contains("echo", names);
        Assert.DoesNotContain("get-env", names);
        Assert.Contains(
            "hello é", echoed.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString(),
            StringComparison.Ordinal);
        Assert.Equal(-32602, hidden.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("Unknown tool: get-env", hidden.GetProperty("error").GetProperty("message").GetString());
    }
}
