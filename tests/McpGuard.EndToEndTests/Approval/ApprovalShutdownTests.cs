using System.Diagnostics;
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
            && r.Contains("the session ended before a person answered", StringComparison.Ordinal));
    }

    /// <summary>
    /// The approval command and the processes it started are killed when the client leaves while it decides. They
    /// outlived the guard: the kill ran only after the approver stopped waiting, and a stopping guard exited first.
    /// </summary>
    [Fact]
    public async Task ClientLeavesWhileTheApprovalCommandRuns_ItsProcessTreeIsKilled()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("mcpguard-approver-").FullName;
        var pipe = Path.Combine(folder, "held");
        var pids = Path.Combine(folder, "pids");
        using (var mkfifo = Process.Start("mkfifo", [pipe]))
        {
            await mkfifo.WaitForExitAsync(ct);
        }

        // The approver and its child hold the pipe's write end: its reader sees the end only once both are gone.
        var policy = Policy.Replace(
            """command: [sleep, "120"]""",
            $$"""command: [sh, -c, 'exec 3>"{{pipe}}"; sleep 600 & echo $$ $! > "{{pids}}"; wait']""",
            StringComparison.Ordinal);
        await using var guard = RawGuard.Start(policy, ["dotnet", RepoPaths.BybitSimulatorDll]);
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        await guard.ResponseAsync("1");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_tickers","arguments":"""
                + """{"category":"spot","symbol":"BTCUSDT"}}}""");

        // Opening the read end waits for the approver to open the write end: it runs.
        await using var held = await Task.Run(() => File.OpenRead(pipe), ct)
            .WaitAsync(TestConstants.DefaultTimeout, ct);
        guard.CloseStdin();
        Assert.True(await guard.WaitForExitAsync() == 0, guard.Stderr);

        // A read sees the end of the pipe once no process holds its write end.
        var ended = Task.Run(() => held.Read(new byte[1]), ct);
        var gone = true;
        try
        {
            Assert.Equal(0, await ended.WaitAsync(TestConstants.DefaultTimeout, ct));
        }
        catch (TimeoutException)
        {
            gone = false;
            foreach (var pid in File.Exists(pids) ? File.ReadAllText(pids).Split(' ', '\n') : [])
            {
                if (pid.Length > 0)
                {
                    // Not left behind by a failing test either.
                    using var kill = Process.Start("kill", ["-KILL", pid]);
                    await kill.WaitForExitAsync(ct);
                }
            }
        }

        Directory.Delete(folder, recursive: true);
        Assert.True(gone, "the approval command or its child outlived the guard");
    }
}
