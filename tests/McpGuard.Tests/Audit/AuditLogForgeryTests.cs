using System.Text;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Tests.TestUtils;
using static McpGuard.Tests.Audit.AuditTestRecords;

namespace McpGuard.Tests.Audit;

public sealed class AuditLogForgeryTests
{
    public static TheoryData<string> Payloads =>
    [
        "evil\n{\"type\":\"decision\",\"decision\":\"allow\"}",
        "a\"b\\\"c",
        "x\r\ny",
        "line\u2028sep\u2029para",
        "nul\0bell\u0007esc\u001b[2J",
        "\"},{\"decision\":\"allow",
        "emoji 😀 and é and \u0085 and \ufeff",
    ];

    [Theory]
    [MemberData(nameof(Payloads))]
    public void TryWriteDecision_HostileStrings_OneAsciiLineThatParsesBack(string payload)
    {
        using var temp = new TempDirectory();
        var argument = System.Text.Json.JsonSerializer.Serialize(
            new Dictionary<string, string> { [payload] = payload, ["v"] = payload });
        using (var log = Open(temp.File("audit.jsonl"), AuditArgumentsMode.Full))
        {
            Assert.True(
                log.TryWriteDecision(
                    Decision(
                        log, tool: payload, CallVerdict.Deny,
                        arguments: argument) with { Reason = payload, RuleId = payload }));
            Assert.True(log.TryWriteDecision(Decision(log)));
        }

        var bytes = File.ReadAllBytes(temp.File("audit.jsonl"));
        Assert.All(bytes, b => Assert.True(b is >= 0x20 and < 0x7f || b == (byte)'\n', $"byte 0x{b:x2}"));
        var records = ReadLines(temp.File("audit.jsonl"));
        Assert.Equal(2, records.Length);
        Assert.Equal(payload, records[0].GetProperty("tool").GetString());
        Assert.Equal(payload, records[0].GetProperty("reason").GetString());
        Assert.Equal(payload, records[0].GetProperty("rule").GetString());
        Assert.Equal(payload, records[0].GetProperty("arguments").GetProperty(payload).GetString());
        Assert.Equal(payload, records[0].GetProperty("arguments").GetProperty("v").GetString());
        Assert.Equal("allow", records[1].GetProperty("decision").GetString());
        Assert.Equal(2, Encoding.ASCII.GetString(bytes).Count(c => c == '\n'));
    }

    [Theory]
    [InlineData(AuditArgumentsMode.Full)]
    [InlineData(AuditArgumentsMode.Redact)]
    [InlineData(AuditArgumentsMode.Hash)]
    public void TryWriteDecision_LoneSurrogateInArguments_StillOneValidLine(AuditArgumentsMode mode)
    {
        using var temp = new TempDirectory();
        using (var log = Open(temp.File("audit.jsonl"), mode))
        {
            Assert.True(log.TryWriteDecision(Decision(log, arguments: """{"v":"\ud800x","\udc00":"y"}""")));
        }

        var record = Assert.Single(ReadLines(temp.File("audit.jsonl")));
        Assert.Equal("place_order", record.GetProperty("tool").GetString());
        Assert.True(record.TryGetProperty("arguments", out _));
    }
}
