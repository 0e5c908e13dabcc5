using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests;

/// <summary>
/// docs/audit.md#guarantees through the real guard: one record per decision, written before forwarding, fail closed;
/// under run each names the local user as its agent.
/// </summary>
public sealed class AuditTests
{
    private const string Policy = "version: 1\ndefault: allow\nhide: [get-env]\ntools:\n  get-sum: deny\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_WithAudit_RecordsEveryDecisionAndTheOutcomeOfForwardedCalls()
    {
        var auditPath = Path.Combine(Path.GetTempPath(), $"mcpguard-audit-{Guid.NewGuid():n}.jsonl");
        await using (var guard = await GuardedServer.StartAsync(
            Policy, GuardedServer.Everything(), guardOptions: ["--audit", auditPath]))
        {
            await guard.Client.CallToolAsync(
                "echo", new Dictionary<string, object?> { ["message"] = "hello", ["api_token"] = "s3cr3t" },
                cancellationToken: Ct);
            await guard.Client.CallToolAsync(
                "get-sum", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 }, cancellationToken: Ct);
            await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(
                () => guard.Client.CallToolAsync("get-env", cancellationToken: Ct).AsTask());
            await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(
                () => guard.Client.CallToolAsync("nope", cancellationToken: Ct).AsTask());
        }

        var records = File.ReadAllLines(auditPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        File.Delete(auditPath);
        var decisions = records.Where(r => r.TryGetProperty("decision", out _))
            .Select(r => (Tool: r.GetProperty("tool").GetString(), Decision: r.GetProperty("decision").GetString()))
            .ToList();
        Assert.Equal(
            [("echo", "allow"), ("get-sum", "deny"), ("get-env", "hidden"), ("nope", "unknown_tool")], decisions);
        var echo = records.First(r => r.TryGetProperty("decision", out _));
        var outcome = Assert.Single(records, r => !r.TryGetProperty("decision", out _));
        Assert.Equal(echo.GetProperty("call_id").GetString(), outcome.GetProperty("call_id").GetString());
        Assert.DoesNotContain("s3cr3t", echo.GetRawText());

        // In run the agent is the local user: every record names the account the guard runs as.
        Assert.All(records, r => Assert.Equal(Environment.UserName, r.GetProperty("agent").GetString()));
    }

    [Fact]
    public async Task Run_AuditLogUnwritable_CallsAreDeniedSayingWhy()
    {
        await using var guard = await GuardedServer.StartAsync(
            Policy, GuardedServer.Everything(), guardOptions: ["--audit", "/dev/full"]);

        var result = await guard.Client.CallToolAsync(
            "echo", new Dictionary<string, object?> { ["message"] = "hello" }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains(
            "audit log cannot be written", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }
}
