using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Tests.TestUtils;
using static McpGuard.Tests.Audit.AuditTestRecords;

namespace McpGuard.Tests.Audit;

public sealed class AuditLogTests
{
    [Theory]
    [InlineData("Allow", "allow")]
    [InlineData("Deny", "deny")]
    [InlineData("RequireApproval", "require_approval")]
    [InlineData("Approved", "approved")]
    [InlineData("Refused", "refused")]
    [InlineData("Cancelled", "cancelled")]
    [InlineData("UnknownTool", "unknown_tool")]
    [InlineData("Hidden", "hidden")]
    [InlineData("Invalid", "invalid")]
    public void TryWriteDecision_EachDecision_WritesOneLineWithItsName(string name, string expected)
    {
        var decision = Enum.Parse<CallVerdict>(name);
        using var temp = new TempDirectory();
        using (var log = Open(temp.File("audit.jsonl")))
        {
            Assert.True(log.TryWriteDecision(Decision(log, decision: decision)));
        }

        var record = Assert.Single(ReadLines(temp.File("audit.jsonl")));
        Assert.Equal("decision", record.GetProperty("type").GetString());
        Assert.Equal(expected, record.GetProperty("decision").GetString());
    }

    [Fact]
    public void TryWriteDecision_AllFields_WrittenInSchemaOrder()
    {
        using var temp = new TempDirectory();
        using var log = Open(temp.File("audit.jsonl"));
        var record = Decision(
            log, decision: CallVerdict.Deny, arguments: """{"qty":"0.5"}""", id: "9007199254740993") with
        {
            Risk = "write",
            Monitor = true,
        };

        Assert.True(log.TryWriteDecision(record));

        var line = File.ReadAllText(temp.File("audit.jsonl"));
        Assert.Equal(
            "{\"type\":\"decision\",\"version\":2,\"time\":\"2026-03-14T15:09:26.535Z\",\"session\":\"" + log.Session
            + "\",\"server\":\"bybit-mcp\",\"call_id\":\"" + log.Session + "-1\",\"request_id\":9007199254740993,"
            + "\"tool\":\"place_order\",\"decision\":\"deny\",\"monitor\":true,\"rule\":\"tools.place_order.rules[0]\","
            + "\"reason\":\"Orders outside the envelope need a human.\","
            + "\"risk\":\"write\",\"arguments\":{\"qty\":\"0.5\"},\"arguments_recorded\":\"full\"}\n",
            line);
    }

    [Fact]
    public void TryWriteDecision_StringRequestId_StaysAString()
    {
        using var temp = new TempDirectory();
        using (var log = Open(temp.File("audit.jsonl")))
        {
            Assert.True(log.TryWriteDecision(Decision(log, id: "\"7\"")));
        }

        var record = Assert.Single(ReadLines(temp.File("audit.jsonl")));
        Assert.Equal(JsonValueKind.String, record.GetProperty("request_id").ValueKind);
        Assert.Equal("7", record.GetProperty("request_id").GetString());
    }

    [Fact]
    public void NewCallId_UniqueAndPrefixedWithSession()
    {
        using var temp = new TempDirectory();
        using var log = Open(temp.File("audit.jsonl"));
        using var other = Open(temp.File("audit.jsonl"));

        var ids = Enumerable.Range(0, 100).Select(_ => log.NewCallId())
            .Concat(Enumerable.Range(0, 100).Select(_ => other.NewCallId())).ToList();

        Assert.Equal(200, ids.Distinct().Count());
        Assert.NotEqual(log.Session, other.Session);
        Assert.All(ids.Take(100), id => Assert.StartsWith(log.Session + "-", id));
    }

    [Fact]
    public void TryWriteOutcome_ErrorResponse_RecordsCodeAndDuration()
    {
        using var temp = new TempDirectory();
        using (var log = Open(temp.File("audit.jsonl")))
        {
            var outcome = new AuditOutcomeRecord
            {
                CallId = "c-1",
                RequestId = Json("3"),
                Tool = "place_order",
                Duration = TimeSpan.FromTicks(12_345_678),
                IsError = true,
                ErrorCode = -32603,
            };
            Assert.True(log.TryWriteOutcome(outcome));
        }

        var record = Assert.Single(ReadLines(temp.File("audit.jsonl")));
        Assert.Equal("outcome", record.GetProperty("type").GetString());
        Assert.Equal("c-1", record.GetProperty("call_id").GetString());
        Assert.Equal(1234.568, record.GetProperty("duration_ms").GetDouble());
        Assert.True(record.GetProperty("is_error").GetBoolean());
        Assert.Equal(-32603, record.GetProperty("error_code").GetInt32());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TryWriteOutcome_Cancelled_WrittenOnlyWhenTrue(bool cancelled)
    {
        using var temp = new TempDirectory();
        using (var log = Open(temp.File("audit.jsonl")))
        {
            Assert.True(log.TryWriteOutcome(new AuditOutcomeRecord
            {
                CallId = "c-1", Tool = "t", Duration = TimeSpan.FromMilliseconds(2), IsError = false,
                Cancelled = cancelled,
            }));
        }

        var record = Assert.Single(ReadLines(temp.File("audit.jsonl")));
        Assert.Equal(cancelled, record.TryGetProperty("cancelled", out var flag) && flag.GetBoolean());
    }

    [Fact]
    public void TryWriteOutcome_LateAnswer_IsALateAnswerRecordWithTheAnswersError()
    {
        // docs/audit.md#late_answer: its own type, so a reader counting one outcome per call is not misled.
        using var temp = new TempDirectory();
        using (var log = Open(temp.File("audit.jsonl")))
        {
            Assert.True(log.TryWriteOutcome(new AuditOutcomeRecord
            {
                CallId = "c-1", Tool = "t", Duration = TimeSpan.FromMilliseconds(2), IsError = true,
                ErrorCode = -32800, LateAnswer = true,
            }));
        }

        var record = Assert.Single(ReadLines(temp.File("audit.jsonl")));
        Assert.Equal("late_answer", record.GetProperty("type").GetString());
        Assert.Equal(2, record.GetProperty("version").GetInt32());
        Assert.Equal("c-1", record.GetProperty("call_id").GetString());
        Assert.Equal("t", record.GetProperty("tool").GetString());
        Assert.True(record.GetProperty("is_error").GetBoolean());
        Assert.Equal(-32800, record.GetProperty("error_code").GetInt32());
        Assert.False(record.TryGetProperty("cancelled", out _));
    }

    [Fact]
    public void Open_NoPath_IsNullLogThatAcceptsEverything()
    {
        using var log = AuditLog.Open(AuditSettings.Default, "srv", new CapturingLogger());

        Assert.IsType<NullAuditLog>(log);
        Assert.True(log.TryWriteDecision(Decision(log)));
    }

    // Without an audit log the call ids were "1", "2"…: an approval command saw the same ids from every guard and
    // every run (docs/audit.md: SESSION-N, unique across runs).
    [Fact]
    public void NullLog_CallIds_AreSessionScopedAsInALog()
    {
        using var first = new NullAuditLog();
        using var second = new NullAuditLog();

        var id = first.NewCallId();

        Assert.Matches("^[0-9a-f]{16}-1$", id);
        Assert.Matches("^[0-9a-f]{16}-2$", first.NewCallId());
        Assert.NotEqual(id, second.NewCallId());
    }

    [Fact]
    public void Open_PathOverride_WinsOverPolicyPath()
    {
        using var temp = new TempDirectory();
        var settings = new AuditSettings { Path = temp.File("policy.jsonl"), Arguments = AuditArgumentsMode.Hash };

        using (var log = AuditLog.Open(settings, "srv", new CapturingLogger(), temp.File("cli.jsonl")))
        {
            Assert.True(log.TryWriteDecision(Decision(log, arguments: """{"a":1}""")));
        }

        Assert.False(File.Exists(temp.File("policy.jsonl")));
        Assert.StartsWith(
            "sha256:", Assert.Single(ReadLines(temp.File("cli.jsonl"))).GetProperty("arguments").GetString());
    }

    [Fact]
    public void TryWriteDecision_MissingDirectory_IsCreated()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "a", "b", "audit.jsonl");
        using (var log = Open(path))
        {
            Assert.True(log.TryWriteDecision(Decision(log)));
        }

        Assert.Single(ReadLines(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void TryWriteDecision_ExistingFile_AppendsAfterIt()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.jsonl");
        File.WriteAllText(path, "{\"type\":\"decision\"}\n");
        using (var log = Open(path))
        {
            Assert.True(log.TryWriteDecision(Decision(log)));
        }

        Assert.Equal(2, ReadLines(path).Length);
    }

    [Fact]
    public void TryWriteDecision_AfterDispose_ReturnsFalse()
    {
        using var temp = new TempDirectory();
        var log = Open(temp.File("audit.jsonl"));
        var record = Decision(log);
        log.Dispose();

        Assert.False(log.TryWriteDecision(record));
    }

    [Fact]
    public void TryWriteDecision_LargeArguments_OneWholeLineThenSmallOnesStillWork()
    {
        using var temp = new TempDirectory();
        var big = new string('x', 5_000_000);
        using (var log = Open(temp.File("audit.jsonl"), AuditArgumentsMode.Full))
        {
            Assert.True(log.TryWriteDecision(Decision(log, arguments: $$"""{"blob":"{{big}}"}""")));
            Assert.True(log.TryWriteDecision(Decision(log)));
        }

        var records = ReadLines(temp.File("audit.jsonl"));
        Assert.Equal(2, records.Length);
        Assert.Equal(big, records[0].GetProperty("arguments").GetProperty("blob").GetString());
    }
}
