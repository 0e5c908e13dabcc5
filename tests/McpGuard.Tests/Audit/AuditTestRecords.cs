using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Replay;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Audit;

internal static class AuditTestRecords
{
    public static readonly DateTimeOffset Now = new(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static AuditLog Open(
        string path, AuditArgumentsMode mode = AuditArgumentsMode.Redact, CapturingLogger? logger = null,
        AppendStrategy? strategy = null)
        => new(path, mode, "bybit-mcp", logger ?? new CapturingLogger(), new FakeTimeProvider(Now), strategy);

    public static AuditDecisionRecord Decision(
        IAuditLog log, string tool = "place_order", CallVerdict decision = CallVerdict.Allow, string? arguments = null,
        string id = "1")
        => new()
        {
            CallId = log.NewCallId(),
            RequestId = Json(id),
            Tool = tool,
            Decision = decision,
            RuleId = "tools.place_order.rules[0]",
            Reason = decision == CallVerdict.Allow ? null : "Orders outside the envelope need a human.",
            Arguments = arguments is null ? null : Json(arguments),
        };

    /// <summary>
    /// Decision records written by the real audit writer, each call at its second after <see cref="Now"/>, read back
    /// as replay reads them.
    /// </summary>
    public static async Task<RecordedLog> RecordedLogAsync(
        AuditArgumentsMode mode,
        params (int Second, string Tool, CallVerdict Decision, string Rule, string Arguments)[] calls)
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.jsonl");
        var clock = new FakeTimeProvider(Now);
        using (var audit = new AuditLog(path, mode, "bybit-mcp", new CapturingLogger(), clock))
        {
            foreach (var (second, tool, decision, rule, arguments) in calls)
            {
                clock.SetUtcNow(Now.AddSeconds(second));
                Assert.True(audit.TryWriteDecision(new AuditDecisionRecord
                {
                    CallId = audit.NewCallId(),
                    RequestId = Json("1"),
                    Tool = tool,
                    Decision = decision,
                    RuleId = rule,
                    Arguments = Json(arguments),
                }));
            }
        }

        using var reader = new StreamReader(path);
        return await RecordedCallReader.ReadAsync(reader, TestContext.Current.CancellationToken);
    }

    public static JsonElement[] ReadLines(string path)
    {
        var text = File.ReadAllText(path);
        Assert.EndsWith("\n", text);
        return text[..^1].Split('\n').Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
    }
}
