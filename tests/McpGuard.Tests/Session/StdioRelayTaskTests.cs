using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// Task-augmented calls through the whole relay (docs/relay.md#tasks-and-sampling-with-tools): judged at their
/// tools/call, <c>tasks/*</c> only for tasks of judged calls, outcome and give-back at the task's final state.
/// </summary>
public sealed class StdioRelayTaskTests
{
    private const string ListTools = """{"jsonrpc":"2.0","id":"list","method":"tools/list"}""";
    private const string Policy = "version: 1\ndefault: allow\ntools:\n  as_task:\n"
        + "    rate_limit: { max: 1, window: 1h }\n    action: allow\n  as_modern_task: allow\n";

    [Theory]
    [InlineData("as_task")]
    [InlineData("as_modern_task")]
    public async Task TaskOfJudgedCall_TasksRequestsForwarded_OtherTaskIdsRefused(string tool)
    {
        using var server = FakeServer.Create([["as_task", "as_modern_task"]]);
        await using var relay = RelayHarness.Start(Policy, server.CommandLine);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");

        await relay.SendAsync(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"task\":\"t-7\"},\"task\":{\"ttl\":60000}}}");
        Assert.Contains("\"t-7\"", (await relay.ReadResponseAsync("1")).GetRawText(), StringComparison.Ordinal);

        await relay.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tasks/get","params":{"taskId":"t-7"}}""");
        Assert.Equal(
            "working", (await relay.ReadResponseAsync("2")).GetProperty("result").GetProperty("status").GetString());

        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":3,"method":"tasks/result","params":{"taskId":"someone-elses"}}""");
        var refused = await relay.ReadResponseAsync("3");
        Assert.Equal(-32602, refused.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("Unknown task: someone-elses", refused.GetProperty("error").GetProperty("message").GetString());
        await relay.SyncAsync();
        Assert.DoesNotContain(server.ReceivedText(), line => line.Contains("someone-elses", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TaskCompleted_OutcomeRecordedAtTheEnd_CountKept()
    {
        using var server = FakeServer.Create([["as_task"]]);
        var audit = new RecordingAuditLog();
        await using var relay = await StartWithTaskAsync(server, audit);
        Assert.Empty(audit.Outcomes);
        await relay.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tasks/result","params":{"taskId":"t-1"}}""");
        await relay.ReadResponseAsync("2");

        var outcome = Assert.Single(audit.Outcomes);
        Assert.Equal("completed", outcome.TaskStatus);
        Assert.Equal("as_task", outcome.Tool);
        Assert.False(outcome.IsError);
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":"""
                + """{"name":"as_task","arguments":{"task":"t-2"},"task":{}}}""");
        Assert.Contains("retry after", ResultText(await relay.ReadResponseAsync("3")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":2,"method":"tasks/cancel","params":{"taskId":"t-1"}}""")]
    [InlineData(
        """{"jsonrpc":"2.0","method":"test/say","params":{"line":"{\"jsonrpc\":\"2.0\","""
            + """\"method\":\"notifications/tasks/status\",\"params\":"""
            + """{\"taskId\":\"t-1\",\"status\":\"cancelled\",\"ttl\":null}}"}}""")]
    [InlineData( // the 2026 tasks extension's name for it
        """{"jsonrpc":"2.0","method":"test/say","params":{"line":"{\"jsonrpc\":\"2.0\","""
            + """\"method\":\"notifications/tasks\",\"params\":"""
            + """{\"taskId\":\"t-1\",\"status\":\"cancelled\",\"ttl\":null}}"}}""")]
    public async Task TaskCancelled_CountGivenBack_NextCallForwarded(string cancelling)
    {
        using var server = FakeServer.Create([["as_task"]]);
        var audit = new RecordingAuditLog();
        await using var relay = await StartWithTaskAsync(server, audit);

        // By tasks/cancel's answer, or by the server's status notification: the server answers in order, so
        // after the sync the guard has read the cancelled status.
        await relay.SendAsync(cancelling);
        await relay.SyncAsync();

        Assert.Equal("cancelled", Assert.Single(audit.Outcomes).TaskStatus);
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":"""
                + """{"name":"as_task","arguments":{"task":"t-2"},"task":{}}}""");
        Assert.Contains("\"t-2\"", (await relay.ReadResponseAsync("3")).GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A task's input responses (2026 tasks extension, tasks/update) that carry the model's picks are judged like any.
    /// </summary>
    [Theory]
    [InlineData("version: 1\ndefault: allow\n", false)]
    [InlineData("version: 1\ndefault: allow\nsampling: { tools: judge }\n", true)]
    public async Task TaskUpdateCarryingPicks_ForwardedOnlyWhenThePicksMayRun(string policy, bool forwarded)
    {
        using var server = FakeServer.Create([["as_modern_task"]]);
        await using var relay = RelayHarness.Start(policy, server.CommandLine);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"""
                + """{"name":"as_modern_task","arguments":{"task":"t-1"}}}""");
        await relay.ReadResponseAsync("1");

        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tasks/update","params":{"taskId":"t-1","inputResponses":"""
                + """{"pick":{"role":"assistant","model":"m","content":"""
                + """[{"type":"tool_use","id":"u","name":"as_modern_task","input":{"marker":"UPDATE-MARKER"}}]}}}}""");
        var answer = await relay.ReadResponseAsync("2");
        await relay.SyncAsync();

        Assert.Equal(
            forwarded, server.ReceivedText().Any(line => line.Contains("UPDATE-MARKER", StringComparison.Ordinal)));
        Assert.Equal(!forwarded, answer.TryGetProperty("error", out _));
    }

    /// <summary>A relay whose client listed the tools and created task t-1 with a counted call to as_task.</summary>
    private static async Task<RelayHarness> StartWithTaskAsync(FakeServer server, RecordingAuditLog audit)
    {
        var relay = RelayHarness.Start(Policy, server.CommandLine, audit: audit);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"""
                + """{"name":"as_task","arguments":{"task":"t-1"},"task":{}}}""");
        await relay.ReadResponseAsync("1");
        return relay;
    }

    private static string ResultText(System.Text.Json.JsonElement response) =>
        response.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;
}
