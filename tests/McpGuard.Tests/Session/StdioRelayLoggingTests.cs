using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging;

namespace McpGuard.Tests.Session;

/// <summary>
/// docs/relay.md#logs: argument values never appear in logs above Trace, whatever happens to the call.
/// </summary>
public sealed class StdioRelayLoggingTests
{
    private const string Secret = "SECRET-7f3a9c";

    [Fact]
    public async Task RunAsync_ArgumentValuesInEveryKindOfCall_NotLoggedAboveTrace()
    {
        using var logs = new CapturingLoggerProvider();
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine, loggerFactory: logs);
        // @@ stands for the secret value.
        string[] calls =
        [
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"api_key":"@@"}}}""",
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":"""
                + """{"name":"danger","arguments":{"api_key":"@@"}}}""",
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":"""
                + """{"name":"secret","arguments":{"api_key":"@@"}}}""",
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"nope","arguments":{"api_key":"@@"}}}""",
            """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":"""
                + """{"name":"echo","arguments":{"api_key":"@@","api_key":"x"}}}""",
            """{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"echo","arguments":"@@"}}""",
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":"""
                + """{"name":"echo","arguments":{"api_key":"@@\ud800"}}}""",
            """{"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo","arguments":{"api_key":"@@"}}}""",
            """{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"api_key":"@@"}},}""",
            """not json @@""",
        ];

        await relay.SendAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
        await relay.ReadResponseAsync("\"list\"");
        foreach (var call in calls)
        {
            await relay.SendAsync(call.Replace("@@", Secret, StringComparison.Ordinal));
        }

        var answers = await relay.SyncAsync();
        Assert.True(calls.Length == answers.Count, string.Join("\n", answers));
        await relay.CloseInputAsync();
        await relay.WaitForExitAsync();
        Assert.Contains(logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.DoesNotContain(
            logs.Entries, e => e.Level > LogLevel.Trace && e.ToString().Contains(Secret, StringComparison.Ordinal));
    }

    // An approval that no channel could ask wrote three warnings (no channel; denied; denied with the detail), a
    // timed-out one two: one denial, one warning line, carrying the operator's detail.
    [Fact]
    public async Task RunAsync_ApprovalWithNoChannel_OneWarningLine()
    {
        using var logs = new CapturingLoggerProvider();
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        const string Policy = "version: 1\ndefault: require_approval\napproval:\n  channels: [elicitation]\n";
        await using var relay = RelayHarness.Start(Policy, server.CommandLine, loggerFactory: logs);
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
        await relay.ReadResponseAsync("\"list\"");

        await relay.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}""");
        var answer = (await relay.ReadResponseAsync("1")).ToString();
        await relay.CloseInputAsync();
        await relay.WaitForExitAsync();

        Assert.Contains("no approval channel is available", answer, StringComparison.Ordinal);
        var warning = Assert.Single(logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains("Denied tool echo by rule default: ", warning.Message, StringComparison.Ordinal);
        Assert.Contains("elicitation", warning.Message, StringComparison.Ordinal);
    }

    // Under --monitor a would-be denial with the operator's detail (here: the counter store cannot be reached) wrote
    // two lines, "Monitor mode: forwarded tool echo, which rule state would not allow." and "Monitor mode: tool echo:
    // DETAIL"; now one, as the enforcing mode's "Denied tool X by rule R: DETAIL".
    [Fact]
    public async Task RunAsync_MonitoredDenialWithDetail_OneLine()
    {
        using var logs = new CapturingLoggerProvider();
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        const string Policy = "version: 1\ndefault: deny\ntools:\n  echo:\n    rate_limit: { max: 5, window: 1h }\n"
            + "    action: allow\n";
        var options = RelayHarness.FastShutdown with
        {
            Session = RelayHarness.FastShutdown.Session with { Monitor = true },
        };
        await using var relay = RelayHarness.Start(
            Policy, server.CommandLine, options, loggerFactory: logs, counters: new RefusingStore());
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
        await relay.ReadResponseAsync("\"list\"");

        await relay.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}""");
        await relay.ReadResponseAsync("1");
        await relay.CloseInputAsync();
        await relay.WaitForExitAsync();

        var line = Assert.Single(
            logs.Entries, e => e.Level >= LogLevel.Information && e.Message.Contains("echo", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, line.Level);
        const string Start = "Monitor mode: forwarded tool echo, which rule state would not allow: ";
        Assert.StartsWith(Start, line.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", line.Message, StringComparison.Ordinal);
    }

    /// <summary>A counter store whose connection is refused.</summary>
    private sealed class RefusingStore : McpGuard.Policy.Limits.ICounterStore
    {
        public string Description => "the test store";

        public ValueTask<McpGuard.Policy.Limits.CountOutcome> TryCountAsync(
            IReadOnlyList<McpGuard.Policy.Limits.CounterDemand> demands,
            DateTimeOffset now,
            CancellationToken cancellationToken) =>
            new(new McpGuard.Policy.Limits.CountOutcome.Unavailable("connection refused"));

        public ValueTask<McpGuard.Policy.Limits.CountOutcome> CheckAsync(
            IReadOnlyList<McpGuard.Policy.Limits.CounterDemand> demands,
            DateTimeOffset now,
            CancellationToken cancellationToken) =>
            new(new McpGuard.Policy.Limits.CountOutcome.Unavailable("connection refused"));

        public ValueTask<bool> GiveBackAsync(
            McpGuard.Policy.Limits.CountReceipt receipt, CancellationToken cancellationToken) => new(false);

        public ValueTask<IReadOnlyList<McpGuard.Policy.Limits.CounterReading>> ReadAsync(
            string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken) => new([]);

        public ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken) =>
            new(0);
    }
}
