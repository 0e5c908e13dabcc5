using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// A client that writes its requests and closes its input at once (<c>printf … | mcpguard run …</c>, a script, a
/// test harness): every call it sent before the end is decided and answered as if the input had stayed open, also
/// one the guard held to list the server's tools first (docs/relay.md#lifecycle). Stdio child and remote upstream.
/// </summary>
public sealed class ClientEofTests
{
    private const string Policy = "version: 1\ndefault: allow\nstate: { store: memory }\n";

    private const string Initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    private const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";

    // Never listed by the client: the guard lists the server's tools itself before it decides.
    private const string Call =
        """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"order","arguments":{}}}""";

    [Fact]
    public async Task Run_CallHeldForTheListingWhenStdinCloses_IsForwardedAndAnswered()
    {
        await using var guard = RawGuard.Start(Policy, Scripts.Node(Scripts.Orders));
        await guard.SendAsync(Initialize);
        await guard.SendAsync(Initialized);
        await guard.SendAsync(Call);
        guard.CloseStdin();

        var answer = await guard.ResponseAsync("1");

        Assert.Equal("filled #1", Text(answer));
        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.DoesNotContain("   at ", guard.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunUrl_CallHeldForTheListingWhenStdinCloses_IsForwardedAndAnswered()
    {
        await using var upstream = new ScriptedUpstream(Answer);
        await using var guard = RawGuard.Start(Policy, [], ["--url", upstream.Url], Home());
        await guard.SendAsync(Initialize);
        await guard.SendAsync(Initialized);
        await guard.SendAsync(Call);
        guard.CloseStdin();

        var answer = await guard.ResponseAsync("1");

        Assert.Equal("filled", Text(answer));
        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.DoesNotContain("   at ", guard.Stderr, StringComparison.Ordinal);
    }

    private static string? Text(JsonElement answer)
    {
        Assert.False(answer.TryGetProperty("error", out _), answer.GetRawText());
        return answer.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString();
    }

    private static Dictionary<string, string> Home() =>
        new() { ["MCPGUARD_HOME"] = Directory.CreateTempSubdirectory("mcpguard-eof-home-").FullName };

    private static string? Answer(UpstreamRequest request)
    {
        if (request.Method != "POST")
        {
            return ScriptedUpstream.Response("405 Method Not Allowed", null, "");
        }

        if (!request.Body.Contains("\"id\"", StringComparison.Ordinal))
        {
            return ScriptedUpstream.Response("202 Accepted", null, "");
        }

        var result = request.RpcMethod switch
        {
            "initialize" => """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}}"""
                + ""","serverInfo":{"name":"orders","version":"1"}}""",
            "tools/list" => """{"tools":[{"name":"order","inputSchema":{"type":"object"}}]}""",
            "tools/call" => """{"content":[{"type":"text","text":"filled"}]}""",
            _ => "{}",
        };
        return ScriptedUpstream.Response("200 OK", "application/json", ScriptedUpstream.Result(request, result));
    }
}
