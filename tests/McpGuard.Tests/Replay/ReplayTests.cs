using McpGuard.Audit;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Replay;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Time.Testing;
using static McpGuard.Tests.Audit.AuditTestRecords;
using static McpGuard.Tests.Policy.PolicyTestData;

namespace McpGuard.Tests.Replay;

public sealed class ReplayTests
{
    private const string Loose = """
        version: 1
        default: allow
        """;

    private const string Strict = """
        version: 1
        default: deny
        tools:
          get_tickers: allow
          place_order:
            rate_limit: { max: 2, window: 60s }
            rules:
              - when: { qty: { lte: 0.01 } }
                action: allow
              - action: deny
                reason: Too big.
          withdraw:
            rules:
              - when: { api_key: { exists: true } }
                action: deny
        """;

    [Fact]
    public async Task Replay_StricterPolicy_ListsExactlyTheChangedCalls()
    {
        var log = await RecordAsync(AuditArgumentsMode.Full,
            (0, "get_tickers", CallVerdict.Allow, """{"symbol":"BTCUSDT"}"""),
            (1, "place_order", CallVerdict.Allow, """{"qty":"0.01"}"""),
            (2, "place_order", CallVerdict.Allow, """{"qty":"0.5"}"""),
            (3, "cancel_order", CallVerdict.Allow, """{"orderId":"1"}"""));

        var report = AuditReplay.Run(Load(Strict), log);

        Assert.Equal(
            ["place_order@2", "cancel_order@3"],
            report.Changed.Select(c => $"{c.Recorded.Tool}@{(c.Recorded.Time - Now).TotalSeconds}"));
        Assert.Equal("tools.place_order.rules[1]", report.Changed.First().Decision!.RuleId);
        Assert.Equal("default", report.Changed.Last().Decision!.RuleId);
        Assert.Equal(
            [(CallVerdict.Allow, CallVerdict.Allow, 2), (CallVerdict.Allow, CallVerdict.Deny, 2)], report.Transitions);
    }

    [Theory]
    [InlineData(59, CallVerdict.Deny)]
    [InlineData(60, CallVerdict.Allow)]
    public async Task Replay_RateLimit_CountsOnTheRecordedClock(int third, CallVerdict expected)
    {
        var log = await RecordAsync(AuditArgumentsMode.Full,
            (0, "place_order", CallVerdict.Allow, """{"qty":"0.01"}"""),
            (0, "place_order", CallVerdict.Allow, """{"qty":"0.01"}"""),
            (third, "place_order", CallVerdict.Allow, """{"qty":"0.01"}"""));

        var report = AuditReplay.Run(Load(Strict), log);

        Assert.Equal(expected, report.Calls[2].Decision!.Verdict);
    }

    [Fact]
    public async Task Replay_RedactedSecret_ReplaysWhenTheDecisionDoesNotReadIt()
    {
        var log = await RecordAsync(AuditArgumentsMode.Redact,
            (0, "place_order", CallVerdict.Allow, """{"qty":"0.5","api_key":"sk-live"}"""),
            (1, "withdraw", CallVerdict.Allow, """{"amount":"1","api_key":"sk-live"}"""),
            (2, "withdraw", CallVerdict.Allow, """{"amount":"1","nested":{"token":"t"}}"""));

        var report = AuditReplay.Run(Load(Strict), log);

        Assert.All(log.Calls, c => Assert.Equal(AuditArgumentsRecorded.Redacted, c.ArgumentsRecorded));
        Assert.Equal(CallVerdict.Deny, report.Calls[0].Decision!.Verdict);
        Assert.False(report.Calls[1].Replayed);
        Assert.Equal(["api_key"], report.Calls[1].MissingArguments.Select(p => p.Text));
        Assert.True(report.Calls[2].Replayed, "api_key is absent, and redaction never removes a property");
    }

    [Fact]
    public async Task Replay_RedactModeWithNothingSecret_RecordsTheArgumentsInFull()
    {
        var log = await RecordAsync(
            AuditArgumentsMode.Redact, (0, "place_order", CallVerdict.Allow, """{"qty":"0.01"}"""));

        Assert.Equal(AuditArgumentsRecorded.Full, Assert.Single(log.Calls).ArgumentsRecorded);
    }

    [Theory]
    [InlineData(AuditArgumentsMode.Hash)]
    [InlineData(AuditArgumentsMode.None)]
    public async Task Replay_ArgumentsNotRecorded_ReplaysOnlyDecisionsThatReadNone(AuditArgumentsMode mode)
    {
        var log = await RecordAsync(mode,
            (0, "get_tickers", CallVerdict.Allow, """{"symbol":"BTCUSDT"}"""),
            (1, "place_order", CallVerdict.Allow, """{"qty":"0.01"}"""),
            (2, "cancel_order", CallVerdict.Allow, """{"orderId":"1"}"""));

        var report = AuditReplay.Run(Load(Strict), log);

        Assert.All(
            log.Calls,
            c => Assert.Equal(
                mode == AuditArgumentsMode.Hash ? AuditArgumentsRecorded.Hash : AuditArgumentsRecorded.None,
                c.ArgumentsRecorded));
        Assert.Equal([true, false, true], report.Calls.Select(c => c.Replayed));
        Assert.Equal(["qty"], report.Calls[1].MissingArguments.Select(p => p.Text));
        Assert.Equal(["cancel_order"], report.Changed.Select(c => c.Recorded.Tool));
    }

    [Fact]
    public async Task Replay_BudgetOnRedactedRecord_NeedsTheBudgetArgument()
    {
        var policy = Load("""
            version: 1
            default: deny
            tools:
              place_order: { action: allow, budget: { argument: qty, max: 1, window: 1d } }
            """);
        var log = await RecordAsync(
            AuditArgumentsMode.Hash, (0, "place_order", CallVerdict.Allow, """{"qty":"0.5"}"""));

        var report = AuditReplay.Run(policy, log);

        Assert.Equal(["qty"], Assert.Single(report.NotReplayable).MissingArguments.Select(p => p.Text));
    }

    [Fact]
    public async Task Replay_VersionOneRecords_GuessRedactionFromTheRedactedValue()
    {
        var lines = """
            {"type":"decision","time":"2026-03-14T15:09:26.535Z","session":"s","server":"x","call_id":"s-1","request_id":1,"tool":"withdraw","decision":"allow","rule":"default","arguments":{"api_key":"[redacted]"}}
            {"type":"decision","time":"2026-03-14T15:09:27.535Z","session":"s","server":"x","call_id":"s-2","request_id":2,"tool":"place_order","decision":"allow","rule":"default","arguments":{"qty":"0.5"}}
            {"type":"decision","time":"2026-03-14T15:09:28.535Z","session":"s","server":"x","call_id":"s-3","request_id":3,"tool":"place_order","decision":"allow","rule":"default"}
            {"type":"decision","time":"2026-03-14T15:09:29.535Z","session":"s","server":"x","call_id":"s-4","request_id":4,"tool":"ghost","decision":"unknown_tool"}
            {"type":"outcome","time":"2026-03-14T15:09:29.600Z","session":"s","server":"x","call_id":"s-2","request_id":2,"tool":"place_order","duration_ms":1,"is_error":false}
            not json
            """;
        var log = await RecordedCallReader.ReadAsync(new StringReader(lines), TestContext.Current.CancellationToken);

        var report = AuditReplay.Run(Load(Strict), log);

        Assert.Equal(
            [AuditArgumentsRecorded.Redacted, AuditArgumentsRecorded.Full, AuditArgumentsRecorded.None],
            log.Calls.Select(c => c.ArgumentsRecorded));
        Assert.Equal([false, true, false], report.Calls.Select(c => c.Replayed));
        Assert.Equal(1, report.NotJudged);
        Assert.Equal(1, report.Malformed);
    }

    [Fact]
    public async Task Replay_ApprovedCall_IsApprovedAgainAndCounted()
    {
        var policy = Load("""
            version: 1
            default: deny
            tools:
              place_order: { action: require_approval, rate_limit: { max: 1, window: 1m } }
            """);
        var log = await RecordAsync(AuditArgumentsMode.Full,
            (0, "place_order", CallVerdict.RequireApproval, "{}"),
            (0, "place_order", CallVerdict.RequireApproval, "{}"));
        log = Approve(log, 0, 1);

        var report = AuditReplay.Run(policy, log);

        Assert.Equal(CallVerdict.Approved, report.Calls[0].Decision!.Verdict);
        Assert.Equal("require_approval", DecisionWords.ProvenWord(report.Calls[0].Decision!.Verdict));
        Assert.True(report.Calls[0].Decision!.Forwarded);
        Assert.Equal(CallVerdict.Deny, report.Calls[1].Decision!.Verdict);
        Assert.Contains("rate limit", report.Calls[1].Decision!.Reason);
    }

    [Fact]
    public async Task Replay_SamePolicy_ChangesNothing()
    {
        var log = await RecordAsync(
            AuditArgumentsMode.Full, (0, "get_tickers", CallVerdict.Allow, "{}"),
            (1, "place_order", CallVerdict.Allow, """{"qty":"7"}"""));

        Assert.Empty(AuditReplay.Run(Load(Loose), log).Changed);
    }

    [Theory]
    [InlineData(false, CallVerdict.Deny)]
    [InlineData(true, CallVerdict.Allow)]
    public async Task Replay_LimitsReset_ClearsTheEntrysCountersWhereTheLogSays(bool reset, CallVerdict third)
    {
        // Two orders use up the rate limit of 2 a minute; a person's 'limits --reset' between them and the third
        // let the running guard allow it, so replaying the same policy must too (hqa6 noticed it said deny).
        using var temp = new TempDirectory();
        var clock = new FakeTimeProvider(Now);
        using (var audit = new AuditLog(temp.File("audit.jsonl"), AuditArgumentsMode.Full, "bybit-mcp",
            new CapturingLogger(), clock))
        {
            for (var i = 0; i < 3; i++)
            {
                if (i == 2 && reset)
                {
                    Assert.True(audit.TryWriteLimitsReset(new AuditLimitsResetRecord
                    {
                        CallId = audit.NewCallId(), Entry = "tools.place_order", Namespace = "default",
                        Store = "memory", Counters = 1, User = "me",
                    }));
                }

                Assert.True(audit.TryWriteDecision(new AuditDecisionRecord
                {
                    CallId = audit.NewCallId(), RequestId = Json("1"), Tool = "place_order",
                    Decision = i == 2 && !reset ? CallVerdict.Deny : CallVerdict.Allow, RuleId = "default",
                    Arguments = Json("""{"qty":"0.01"}"""),
                }));
            }
        }

        using var reader = new StreamReader(temp.File("audit.jsonl"));
        var log = await RecordedCallReader.ReadAsync(reader, TestContext.Current.CancellationToken);
        var report = AuditReplay.Run(Load(Strict), log);

        Assert.Equal(reset ? 1 : 0, log.Resets.Count);
        Assert.Equal(0, log.Malformed);
        Assert.Equal(third, report.Calls[2].Decision!.Verdict);
        Assert.Empty(report.Changed);
    }

    /// <summary>Writes decision records with the real audit writer (schema version 2), then reads them back.</summary>
    private static Task<RecordedLog> RecordAsync(
        AuditArgumentsMode mode, params (int Second, string Tool, CallVerdict Decision, string Arguments)[] calls) =>
        RecordedLogAsync(mode, [.. calls.Select(c => (c.Second, c.Tool, c.Decision, "default", c.Arguments))]);

    private static RecordedLog Approve(RecordedLog log, params int[] indexes)
    {
        foreach (var index in indexes)
        {
            log.Calls[index].Approved = true;
        }

        return log;
    }
}
