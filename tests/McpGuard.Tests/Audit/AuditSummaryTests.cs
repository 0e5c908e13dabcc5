using McpGuard.Audit;

namespace McpGuard.Tests.Audit;

public sealed class AuditSummaryTests
{
    private static readonly string s_sample = Path.Combine(
        AppContext.BaseDirectory, "Audit", "Samples", "audit-sample.jsonl");

    [Fact]
    public async Task ReadAsync_Sample_CountsPerToolAndDecision()
    {
        var summary = await ReadAsync(null);

        Assert.Equal(19, summary.Lines);
        Assert.Equal(11, summary.Decisions);
        Assert.Equal(3, summary.Outcomes);
        Assert.Equal(2, summary.Sessions);
        Assert.Equal(
            ["place_order", "get_tickers", "batch_cancel_order", "cancel_order", "evil\u001b[2J[red]x[/]"],
            summary.Tools.Select(t => t.Tool));
        var placeOrder = summary.Tools[0].Decisions;
        // s1-3 asked then approved, s1-4 asked then refused: each call counts once, under how it ended.
        Assert.Equal(1, placeOrder["approved"]);
        Assert.Equal(1, placeOrder["refused"]);
        Assert.Equal(1, placeOrder["require_approval"]);
        Assert.Equal(1, placeOrder["monitor:deny"]);
        Assert.Equal(4, summary.Tools[0].Total);
        Assert.Equal(2, summary.Tools[1].Decisions["allow"]);
    }

    [Fact]
    public async Task ReadAsync_Sample_MalformedLinesCountedNotThrown()
    {
        var summary = await ReadAsync(null);

        // Line 8 is not JSON, 16 has no time, 17 an unknown decision, 19 is cut off; 18 is a future record type.
        Assert.Equal(4, summary.Malformed);
        Assert.Equal([8L, 16L, 17L, 19L], summary.MalformedLines);
    }

    [Fact]
    public async Task ReadAsync_Sample_ApprovalsOutcomesAndRange()
    {
        var summary = await ReadAsync(null);

        Assert.Equal(new AuditApprovalCounts(3, 1, 1, 0, 1), summary.Approvals);
        Assert.Equal(1, summary.OutcomeErrors);
        Assert.Equal(120, summary.MedianDurationMs);
        Assert.Equal(400, summary.MaxDurationMs);
        Assert.Equal(DateTimeOffset.Parse("2026-03-14T10:00:00Z"), summary.From);
        Assert.Equal(DateTimeOffset.Parse("2026-03-14T11:00:07Z"), summary.To);
    }

    [Fact]
    public async Task ReadAsync_Sample_LatestDenialsInOrderWithReasons()
    {
        var summary = await ReadAsync(null);

        Assert.Equal(
            ["refused", "hidden", "deny", "deny", "unknown_tool"],
            summary.LatestDenials.Select(d => d.Decision));
        Assert.Equal("No answer within 120s.", summary.LatestDenials[0].Reason);
        Assert.True(summary.LatestDenials[3].Monitor);
    }

    [Fact]
    public async Task ReadAsync_Since_DropsOlderRecords()
    {
        var summary = await ReadAsync(DateTimeOffset.Parse("2026-03-14T11:00:00Z"));

        Assert.Equal(5, summary.Decisions);
        Assert.Equal(0, summary.Outcomes);
        Assert.Equal(DateTimeOffset.Parse("2026-03-14T11:00:00Z"), summary.From);
        Assert.DoesNotContain(summary.Tools, t => t.Tool == "get_tickers");
        Assert.Equal(new AuditApprovalCounts(1, 0, 0, 0, 1), summary.Approvals);
    }

    [Fact]
    public async Task ReadAsync_AnswerWithoutItsRequest_CountedUnderTheAnswer()
    {
        var summary = await AuditSummaryReader.ReadAsync(
            new StringReader(
                """{"type":"decision","time":"2026-01-01T00:00:00Z","call_id":"c","tool":"t","decision":"approved"}"""),
            "x", null, TestContext.Current.CancellationToken);

        Assert.Equal(1, Assert.Single(summary.Tools).Decisions["approved"]);
        Assert.Equal(new AuditApprovalCounts(0, 1, 0, 0, 0), summary.Approvals);
    }

    [Fact]
    public async Task ReadAsync_CancelledAfterForwarding_NotAnsweredNotAnApprovalNotInDurations()
    {
        // docs/audit.md#outcome: a forwarded call the client cancelled ends with an outcome marked cancelled; one
        // withdrawn before it was forwarded has a cancelled decision and no person was asked.
        const string Log = """
            {"type":"decision","time":"2026-01-01T00:00:00Z","call_id":"a","tool":"t","decision":"allow"}
            CANCELLED_OUTCOME
            {"type":"decision","time":"2026-01-01T00:00:02Z","call_id":"b","tool":"t","decision":"allow"}
            {"type":"outcome","time":"2026-01-01T00:00:03Z","call_id":"b","duration_ms":7,"is_error":false}
            {"type":"decision","time":"2026-01-01T00:00:04Z","call_id":"c","tool":"t","decision":"cancelled"}
            """;

        var cancelledOutcome = """{"type":"outcome","time":"2026-01-01T00:00:01Z","call_id":"a","duration_ms":5000,"""
            + "\"is_error\":false,\"cancelled\":true}";
        var summary = await AuditSummaryReader.ReadAsync(
            new StringReader(Log.Replace("CANCELLED_OUTCOME", cancelledOutcome, StringComparison.Ordinal)),
            "x",
            null,
            TestContext.Current.CancellationToken);

        Assert.Equal(2, summary.Outcomes);
        Assert.Equal(1, summary.OutcomeCancelled);
        Assert.Equal(0, summary.OutcomeErrors);
        Assert.Equal(7, summary.MaxDurationMs);
        Assert.Equal(new AuditApprovalCounts(0, 0, 0, 0, 0), summary.Approvals);
        Assert.Equal(3, summary.Calls);
    }

    [Fact]
    public async Task ReadAsync_LateAnswers_CountedApartNotAsOutcomesNorInDurations()
    {
        // docs/audit.md#late_answer: the server answered calls the client had cancelled (one result, one error).
        const string Cancelled = "\"is_error\":false,\"cancelled\":true";
        const string Log = """
            {"type":"decision","time":"2026-01-01T00:00:00Z","call_id":"a","tool":"t","decision":"allow"}
            {"type":"outcome","time":"2026-01-01T00:00:01Z","call_id":"a","duration_ms":5,CANCELLED}
            {"type":"late_answer","time":"2026-01-01T00:00:02Z","call_id":"a","duration_ms":900,"is_error":false}
            {"type":"decision","time":"2026-01-01T00:00:03Z","call_id":"b","tool":"t","decision":"allow"}
            {"type":"outcome","time":"2026-01-01T00:00:04Z","call_id":"b","duration_ms":5,CANCELLED}
            {"type":"late_answer","time":"2026-01-01T00:00:05Z","call_id":"b","duration_ms":800,"is_error":true}
            {"type":"late_answer","time":"2026-01-01T00:00:06Z","call_id":"b","duration_ms":800}
            """;

        var summary = await AuditSummaryReader.ReadAsync(
            new StringReader(Log.Replace("CANCELLED", Cancelled, StringComparison.Ordinal)),
            "x",
            null,
            TestContext.Current.CancellationToken);

        Assert.Equal(2, summary.Outcomes);
        Assert.Equal(2, summary.OutcomeCancelled);
        Assert.Equal(2, summary.LateAnswers);
        Assert.Equal(1, summary.LateAnswerErrors);
        Assert.Equal(0, summary.OutcomeErrors);
        Assert.Null(summary.MaxDurationMs);
        Assert.Equal([7L], summary.MalformedLines);
        Assert.Equal(2, summary.Calls);
    }

    [Fact]
    public async Task ReadAsync_Empty_NoRecords()
    {
        var summary = await AuditSummaryReader.ReadAsync(
            new StringReader("\n\n"), "x", null, TestContext.Current.CancellationToken);

        Assert.Equal(0, summary.Decisions);
        Assert.Equal(0, summary.Malformed);
        Assert.Null(summary.From);
    }

    [Theory]
    [InlineData("30m", "2026-03-14T11:30:00Z")]
    [InlineData("1h", "2026-03-14T11:00:00Z")]
    [InlineData("2d", "2026-03-12T12:00:00Z")]
    [InlineData("1w", "2026-03-07T12:00:00Z")]
    [InlineData("90s", "2026-03-14T11:58:30Z")]
    [InlineData("2026-03-01T08:00:00Z", "2026-03-01T08:00:00Z")]
    [InlineData("2026-03-01T10:00:00+02:00", "2026-03-01T08:00:00Z")]
    [InlineData("2026-03-01", "2026-03-01T00:00:00Z")]
    public void Since_ParsesRelativeAndAbsolute(string text, string expected)
    {
        Assert.True(AuditSince.TryParse(text, DateTimeOffset.Parse("2026-03-14T12:00:00Z"), out var since));
        Assert.Equal(DateTimeOffset.Parse(expected), since);
    }

    [Theory]
    [InlineData("3x")]
    [InlineData("-1h")]
    [InlineData("yesterday")]
    [InlineData("99999999999d")]
    public void Since_RejectsOtherText(string text) =>
        Assert.False(AuditSince.TryParse(text, DateTimeOffset.Parse("2026-03-14T12:00:00Z"), out _));

    private static async Task<AuditSummary> ReadAsync(DateTimeOffset? since)
    {
        using var reader = new StreamReader(s_sample);
        return await AuditSummaryReader.ReadAsync(reader, s_sample, since, TestContext.Current.CancellationToken);
    }
}
