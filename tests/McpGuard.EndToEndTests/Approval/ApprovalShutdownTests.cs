using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Approval;

/// <summary>
/// The client leaves (closes stdin) while a call waits for a person, with the audit log on: the guard ends as
/// usual — exit 0, no stack trace — and the audit records the call as cancelled because the guard stopped.
/// (It crashed here once: the cancelled record read the call's arguments from a document already disposed.)
/// </summary>
public sealed class ApprovalShutdownTests
{
    private const string Policy = """
        version: 1
        default: require_approval
        approval:
          timeout: 60s
          progress: 1s
          channels: [command]
          command: [sleep, "120"]   # a person who does not answer while the test runs
        """;

    [Fact]
    public async Task ClientLeavesWhileACallAwaitsAPerson_GuardExitsCleanlyAndAuditsTheCancellation()
    {
        var home = DeskProcess.NewHome();
        var audit = Path.Combine(home, "audit.jsonl");
        await using var guard = RawGuard.Start(
            Policy, ["dotnet", RepoPaths.BybitSimulatorDll], ["--audit", audit],
            new Dictionary<string, string> { ["MCPGUARD_HOME"] = home });
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        await guard.ResponseAsync("1");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_tickers","arguments":"""
                + """{"category":"spot","symbol":"BTCUSDT"},"_meta":{"progressToken":"p"}}}""");

        // A progress notification: the call is held, waiting for the approval command's answer.
        await guard.ReadLineContainingAsync("notifications/progress");
        guard.CloseStdin();
        var exitCode = await guard.WaitForExitAsync();

        Assert.True(exitCode == 0, guard.Stderr);
        Assert.DoesNotContain("Unhandled exception", guard.Stderr, StringComparison.Ordinal);
        var records = File.ReadAllLines(audit);
        Assert.Contains(records, r => r.Contains("\"decision\":\"require_approval\"", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Contains("\"decision\":\"cancelled\"", StringComparison.Ordinal)
            && r.Contains("the guard stopped before a person answered", StringComparison.Ordinal));
    }
}
