using McpGuard.Policy.Decide;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// Counted calls through the whole relay: a slow store holds the call that needs it off the pump, and tool calls
/// that arrive meanwhile are decided after it, in arrival order (docs/relay.md#arrival-order).
/// </summary>
public sealed class StdioRelayLimitTests
{
    private const string ListTools = """{"jsonrpc":"2.0","id":"list","method":"tools/list"}""";
    private const string Policy = "version: 1\ndefault: deny\ntools:\n  echo:\n"
        + "    rate_limit: { max: 5, window: 1h }\n    action: allow\n  free: allow\n";

    [Fact]
    public async Task RunAsync_StoreNotAnsweringYet_LaterCallWaitsBehindItInArrivalOrder()
    {
        using var server = FakeServer.Create([["echo", "free"]]);
        var store = new GatedCounterStore();
        await using var relay = RelayHarness.Start(Policy, server.CommandLine, counters: store);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");

        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"""
                + """{"name":"echo","arguments":{"marker":"COUNTED"}}}""");
        await store.Asked.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":"""
                + """{"name":"free","arguments":{"marker":"FREE"}}}""");

        await relay.SendAsync("""{"jsonrpc":"2.0","id":3,"method":"ping"}""");

        // Other messages flow; the later tool call does not overtake the one waiting for the store.
        Assert.Contains("\"id\":3", await relay.ReadTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(
            server.ReceivedText(),
            line => line.Contains("COUNTED", StringComparison.Ordinal)
                || line.Contains("FREE", StringComparison.Ordinal));

        store.Open();
        Assert.Contains("COUNTED", await relay.ReadTextAsync());
        Assert.Contains("FREE", await relay.ReadTextAsync());
    }

    [Fact]
    public async Task RunAsync_CallHeldForTheStore_ItsAuditRecordHasItsArguments()
    {
        // The pump's document is gone when the store answers: the record reads the copy the held call kept.
        using var server = FakeServer.Create([["echo", "free"]]);
        var store = new GatedCounterStore();
        var audit = new RecordingAuditLog();
        await using var relay = RelayHarness.Start(Policy, server.CommandLine, counters: store, audit: audit);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");

        const string Counted = """{"marker":"COUNTED","n":[1,{"a":null}]}""";
        const string Free = """{"marker":"FREE"}""";
        await relay.SendAsync(CallLine(1, "echo", Counted));
        await store.Asked.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        await relay.SendAsync(CallLine(2, "free", Free));
        store.Open();
        await relay.ReadResponseAsync("1");
        await relay.ReadResponseAsync("2");

        var written = audit.ArgumentsWritten.ToArray();
        Assert.Equal(2, written.Length);
        Assert.Equal([Counted, Free], written.Select(w => w.Arguments));
    }

    [Fact]
    public async Task RunAsync_CallHeldForTheStoreWithdrawn_IsNeverForwardedAndLaterCallsGoOn()
    {
        using var server = FakeServer.Create([["echo", "free"]]);
        var store = new GatedCounterStore();
        await using var relay = RelayHarness.Start(Policy, server.CommandLine, counters: store);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");

        await relay.SendAsync(CallLine(1, "echo", """{"marker":"COUNTED"}"""));
        await store.Asked.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        await relay.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}""");
        await relay.SendAsync(CallLine(2, "free", """{"marker":"FREE"}"""));

        // The pump handles lines in order: once the ping is answered, the withdrawal was seen.
        await relay.SendAsync("""{"jsonrpc":"2.0","id":3,"method":"ping"}""");
        await relay.ReadResponseAsync("3");
        store.Open();

        // The later call was sent after the withdrawn one's turn: by then the withdrawn one would have gone first.
        await relay.ReadResponseAsync("2");
        Assert.Contains(server.ReceivedText(), line => line.Contains("FREE", StringComparison.Ordinal));
        Assert.DoesNotContain(server.ReceivedText(), line => line.Contains("COUNTED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ApprovedCallWithdrawnWhileCounted_RecordedAsWithdrawnBeforeForwarding()
    {
        // docs/audit.md#decision: a person approved the call, then the client withdrew it while the store counted
        // it. Before, its cancelled record said "withdrawn before a person answered", as if nobody had answered.
        const string Asked = "version: 1\ndefault: deny\ntools:\n  echo:\n    rate_limit: { max: 5, window: 1h }\n"
            + "    action: require_approval\napproval:\n  timeout: 60s\n  channels: [elicitation]\n";
        using var server = FakeServer.Create([["echo"]]);
        var store = new GatedCounterStore();
        var audit = new RecordingAuditLog();
        await using var relay = RelayHarness.Start(Asked, server.CommandLine, counters: store, audit: audit);
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","""
                + """ "capabilities":{"elicitation":{}},"clientInfo":{"name":"c","version":"1"}}}""");
        await relay.ReadResponseAsync("\"init\"");
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");

        await relay.SendAsync(CallLine(1, "echo", """{"marker":"COUNTED"}"""));
        var question = await relay.ReadJsonAsync();
        Assert.Equal("elicitation/create", question.GetProperty("method").GetString());
        await relay.SendAsync(
            $$"""{"jsonrpc":"2.0","id":{{question.GetProperty("id").GetRawText()}},"result":"""
                + """{"action":"accept","content":{"approve":true}}}""");
        await store.Asked.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        await relay.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}""");
        await relay.SyncAsync();
        await relay.CloseInputAsync();
        await relay.WaitForExitAsync();

        Assert.DoesNotContain(server.ReceivedText(), line => line.Contains("COUNTED", StringComparison.Ordinal));
        var decisions = audit.Decisions.ToArray();
        Assert.Equal([CallVerdict.RequireApproval, CallVerdict.Cancelled], decisions.Select(d => d.Decision));
        Assert.Equal("withdrawn by the client before it was forwarded", decisions[1].Reason);
        Assert.Equal(decisions[0].RuleId, decisions[1].RuleId);
    }

    private static string CallLine(int id, string tool, string arguments) =>
        $$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/call","params":{"name":"{{tool}}","arguments":"""
        + arguments + "}}";

    [Fact]
    public async Task RunAsync_ApprovedInBandRetryWaitingForTheStore_IsHeldAndLaterCallsWaitBehindIt()
    {
        const string Meta =
            """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":"""
            + """{"name":"raw","version":"1"},"io.modelcontextprotocol/clientCapabilities":"""
            + """{"elicitation":{"form":{}}}}""";
        const string Asked = "version: 1\ndefault: deny\ntools:\n  echo:\n    rate_limit: { max: 5, window: 1h }\n"
            + "    action: require_approval\n  free: allow\napproval:\n  timeout: 60s\n  channels: [elicitation]\n";
        using var server = FakeServer.Create([["echo", "free"]]);
        var store = new GatedCounterStore();
        await using var relay = RelayHarness.Start(Asked, server.CommandLine, counters: store);
        await relay.SendAsync(ListTools);
        await relay.ReadUntilIdAsync("\"list\"");
        await relay.SendAsync(
            $$$"""{"jsonrpc":"2.0","id":"q","method":"tools/call","params":"""
                + $$$"""{"name":"echo","arguments":{"marker":"COUNTED"},"_meta":{{{Meta}}}}}""");
        var question = (await relay.ReadResponseAsync("\"q\"")).GetProperty("result");
        Assert.Equal("input_required", question.GetProperty("resultType").GetString());
        var state = question.GetProperty("requestState").GetString();

        // The approved retry must be counted; the store does not answer yet, so the call waits off the pump.
        await relay.SendAsync(
            $$$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":"""
                + $$$$"""{"marker":"COUNTED"},"inputResponses":{"mcpguard/approval":{"action":"accept","content":"""
                + $$$$"""{"approve":true}}},"requestState":"{{{{state}}}}","_meta":{{{{Meta}}}}}}""");
        await store.Asked.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":"""
                + """{"name":"free","arguments":{"marker":"FREE"}}}""");

        await relay.SendAsync("""{"jsonrpc":"2.0","id":3,"method":"ping"}""");

        Assert.Contains("\"id\":3", await relay.ReadTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(
            server.ReceivedText(),
            line => line.Contains("COUNTED", StringComparison.Ordinal)
                || line.Contains("FREE", StringComparison.Ordinal));

        store.Open();
        Assert.Contains("COUNTED", (await relay.ReadResponseAsync("1")).GetRawText());
        Assert.Contains("FREE", (await relay.ReadResponseAsync("2")).GetRawText());
        var forwarded = Assert.Single(
            server.ReceivedText(), line => line.Contains("COUNTED", StringComparison.Ordinal));
        Assert.DoesNotContain("requestState", forwarded, StringComparison.Ordinal);
    }
}
