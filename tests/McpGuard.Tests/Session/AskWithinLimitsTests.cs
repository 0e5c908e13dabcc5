using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// Nobody is asked to approve a call its limits would refuse anyway (docs/approval.md): the limits are checked,
/// without counting, before the question. Before, the person approved the second call and the rate limit refused it
/// right after, in both eras.
/// </summary>
public sealed class AskWithinLimitsTests
{
    private const string ListTools = """{"jsonrpc":"2.0","id":"list","method":"tools/list"}""";

    private const string Policy = "version: 1\ndefault: deny\ntools:\n  echo:\n    rate_limit: { max: 1, window: 1h }\n"
        + "    action: require_approval\napproval:\n  timeout: 60s\n  channels: [elicitation]\n";

    private const string Meta =
        """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":"""
        + """{"name":"raw","version":"1"},"io.modelcontextprotocol/clientCapabilities":"""
        + """{"elicitation":{"form":{}}}}""";

    [Fact]
    public async Task RunAsync_RateLimitReachedWhenAsked_DeniedWithoutAQuestion()
    {
        using var server = FakeServer.Create([["echo"]]);
        await using var relay = RelayHarness.Start(Policy, server.CommandLine);
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","""
                + """ "capabilities":{"elicitation":{}},"clientInfo":{"name":"c","version":"1"}}}""");
        await relay.ReadResponseAsync("\"init\"");
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");
        await relay.SendAsync(Call(1, "FIRST"));
        var question = await relay.ReadJsonAsync();
        Assert.Equal("elicitation/create", question.GetProperty("method").GetString());
        await relay.SendAsync(
            $$"""{"jsonrpc":"2.0","id":{{question.GetProperty("id").GetRawText()}},"result":"""
                + """{"action":"accept","content":{"approve":true}}}""");
        Assert.Contains("FIRST", (await relay.ReadResponseAsync("1")).GetRawText(), StringComparison.Ordinal);

        await relay.SendAsync(Call(2, "SECOND"));

        var next = await relay.ReadJsonAsync();
        Assert.False(next.TryGetProperty("method", out _), $"asked again: {next.GetRawText()}");
        Assert.Equal(2, next.GetProperty("id").GetInt32());
        var text = next.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString();
        Assert.StartsWith("Denied by policy: ", text, StringComparison.Ordinal);
        Assert.Contains("retry after", text, StringComparison.Ordinal);
        Assert.DoesNotContain(server.ReceivedText(), line => line.Contains("SECOND", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_RateLimitReachedWhenAskedInBand_DeniedWithoutAQuestion()
    {
        using var server = FakeServer.Create([["echo"]]);
        await using var relay = RelayHarness.Start(Policy, server.CommandLine);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");
        await relay.SendAsync(ModernCall("\"q\"", "FIRST", ""));
        var question = (await relay.ReadResponseAsync("\"q\"")).GetProperty("result");
        Assert.Equal("input_required", question.GetProperty("resultType").GetString());
        var state = question.GetProperty("requestState").GetString();
        await relay.SendAsync(ModernCall(
            "1",
            "FIRST",
            ""","inputResponses":{"mcpguard/approval":{"action":"accept","content":{"approve":true}}},"""
                + "\"requestState\":\"" + state + "\""));
        Assert.Contains("FIRST", (await relay.ReadResponseAsync("1")).GetRawText(), StringComparison.Ordinal);

        await relay.SendAsync(ModernCall("2", "SECOND", ""));

        var answer = (await relay.ReadResponseAsync("2")).GetProperty("result");
        Assert.Equal("complete", answer.GetProperty("resultType").GetString());
        var text = answer.GetProperty("content")[0].GetProperty("text").GetString();
        Assert.StartsWith("Denied by policy: ", text, StringComparison.Ordinal);
        Assert.Contains("retry after", text, StringComparison.Ordinal);
    }

    private static string Call(int id, string marker) =>
        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ""","method":"tools/call","params":{"name":"echo","arguments":"""
        + "{\"marker\":\"" + marker + "\"}}}";

    private static string ModernCall(string id, string marker, string more) =>
        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ""","method":"tools/call","params":{"name":"echo","arguments":"""
        + "{\"marker\":\"" + marker + "\"}" + more + ",\"_meta\":" + Meta + "}}";
}
