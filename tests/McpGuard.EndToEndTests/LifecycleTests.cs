using System.Diagnostics;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// Exit codes (README.md#cli) and the lifecycle (docs/relay.md#lifecycle), with the real guard process and real
/// children.
/// </summary>
public sealed class LifecycleTests
{
    private const string AllowAll = "version: 1\ndefault: allow\n";
    private const string Initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    [Fact]
    public async Task Run_InvalidPolicy_ExitsTwoWithFileAndLineAndNeverStartsTheServer()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"mcpguard-started-{Guid.NewGuid():n}");
        await using var guard = RawGuard.Start(
            "version: 1\ndefualt: allow\n", Scripts.Node($"require('fs').writeFileSync('{marker}', 'x')"));

        Assert.Equal(2, await guard.WaitForExitAsync());
        Assert.Contains($"{guard.PolicyPath}:2:", guard.Stderr);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Run_EmptyPolicy_ExitsTwo()
    {
        await using var guard = RawGuard.Start("", Scripts.Node(Scripts.Silent));

        Assert.Equal(2, await guard.WaitForExitAsync());
        Assert.Contains("empty", guard.Stderr);
    }

    [Fact]
    public async Task Run_ServerCannotStart_ExitsOneNamingTheCommand()
    {
        await using var guard = RawGuard.Start(AllowAll, ["/no/such/mcp-server", "--flag"]);

        Assert.Equal(1, await guard.WaitForExitAsync());
        Assert.Contains("/no/such/mcp-server", guard.Stderr);
    }

    [Fact]
    public async Task Run_ClientClosesStdin_ChildStdinClosedAndItsExitCodeReturned()
    {
        await using var guard = RawGuard.Start(
            AllowAll, Scripts.Node("process.stdin.resume(); process.stdin.on('end', () => process.exit(5));"));

        guard.CloseStdin();

        Assert.Equal(5, await guard.WaitForExitAsync());
    }

    [Fact]
    public async Task Run_ChildDiesWithRequestsPending_EveryOneIsAnsweredThenChildsCode()
    {
        await using var guard = RawGuard.Start(AllowAll, Scripts.Node(Scripts.Silent));
        await guard.SendAsync(Initialize);
        await guard.ReadLineContainingAsync("\"id\":0");

        await guard.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        await guard.SendAsync("""{"jsonrpc":"2.0","id":"two","method":"resources/list"}""");
        await guard.SendAsync("""{"jsonrpc":"2.0","id":9007199254740993,"method":"prompts/list"}""");
        await guard.SendAsync("""{"jsonrpc":"2.0","id":4,"method":"die"}""");

        var answers = new[]
        {
            await guard.ReadLineAsync(),
            await guard.ReadLineAsync(),
            await guard.ReadLineAsync(),
            await guard.ReadLineAsync()
        };
        Assert.Equal(3, await guard.WaitForExitAsync());
        Assert.All(answers, a => Assert.Contains("\"error\"", a));
        Assert.Single(answers, a => a.Contains("\"id\":1,"));
        Assert.Single(answers, a => a.Contains("\"id\":\"two\""));
        Assert.Single(answers, a => a.Contains("\"id\":9007199254740993,"));
        Assert.Single(answers, a => a.Contains("\"id\":4,"));
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("HUP", 129)]
    public async Task Run_SignalWithARequestPending_ItIsAnsweredThatTheGuardIsShuttingDown(string signal, int expected)
    {
        await using var guard = RawGuard.Start(AllowAll, Scripts.Node(Scripts.Silent));
        await guard.SendAsync(Initialize);
        await guard.ReadLineContainingAsync("\"id\":0");
        await guard.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        // Lines are handled in order: once the guard refused the next one, the ping is with the server.
        await guard.SendAsync("""{"jsonrpc":"1.0","id":2,"method":"ping"}""");
        await guard.ReadLineContainingAsync("\"id\":2");

        // SIGHUP (the terminal closed, or a supervisor's stop) too: its default would end the guard at once,
        // leaving the request unanswered and a server that ignores EOF running.
        Kill(signal, guard.Pid);

        var answer = await guard.ReadLineContainingAsync("\"id\":1");
        Assert.Equal(expected, await guard.WaitForExitAsync());
        Assert.Contains("-32603", answer, StringComparison.Ordinal);
        Assert.Contains("McpGuard is shutting down", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task Run_Signal_StopsTheChildAndExitsWithTheSignalsCode(string signal, int expected)
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"mcpguard-child-{Guid.NewGuid():n}");
        await using var guard = RawGuard.Start(
            AllowAll, Scripts.Node($"require('fs').writeFileSync('{pidFile}', String(process.pid)); {Scripts.Silent}"));
        await guard.SendAsync(Initialize);
        await guard.ReadLineContainingAsync("\"id\":0");

        Kill(signal, guard.Pid);

        Assert.Equal(expected, await guard.WaitForExitAsync());
        Assert.False(IsRunning(int.Parse(await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken))));
    }

    [Fact]
    public async Task Run_ChildIgnoresEof_GetsSigtermAndItsCodeIsReturned()
    {
        // The child says when its SIGTERM handler is in place: a fast (native) guard under load could otherwise
        // close the child's stdin and signal it before node has even run the script.
        await using var guard = RawGuard.Start(
            AllowAll, Scripts.Node($"{Scripts.IgnoresEof}\nprocess.stderr.write('child ready\\n');"),
            ["--shutdown-timeout", "0.5"]);
        await guard.WaitForStderrAsync("child ready");

        guard.CloseStdin();

        Assert.Equal(42, await guard.WaitForExitAsync());
        Assert.Contains("SIGTERM", guard.Stderr);
    }

    [Fact]
    public async Task Run_ChildIgnoresEofAndSigterm_ProcessTreeIsKilled()
    {
        var (guard, server) = await StartStubbornAsync("0.5");
        await using var _ = guard;

        guard.CloseStdin();

        Assert.NotEqual(0, await guard.WaitForExitAsync());
        Assert.Contains("killing its process tree", guard.Stderr);
        Assert.False(IsRunning(server));
    }

    [Fact]
    public async Task Run_SecondSignalDuringShutdown_KillsTheServerTreeWithoutWaiting()
    {
        // Claude Code stops a stdio server with SIGINT, SIGTERM 100 ms later, then SIGKILL: a guard still giving its
        // server the --shutdown-timeout would be killed first and leave the server running. Here that timeout is ten
        // minutes and the server ignores EOF and SIGTERM: only the second signal can end the shutdown in time.
        var (guard, server) = await StartStubbornAsync("600");
        await using var _ = guard;

        Kill("INT", guard.Pid);
        await guard.WaitForStderrAsync("Shutting down: a stop signal.");
        Kill("TERM", guard.Pid);

        Assert.Equal(130, await guard.WaitForExitAsync());
        Assert.Contains("A second stop signal: killing the process tree", guard.Stderr);
        Assert.DoesNotContain("sending SIGTERM", guard.Stderr);
        Assert.False(IsRunning(server));
    }

    /// <summary>A guard whose server ignores EOF and SIGTERM, started and running; with the server's pid.</summary>
    private static async Task<(RawGuard Guard, int Server)> StartStubbornAsync(string shutdownTimeout)
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"mcpguard-child-{Guid.NewGuid():n}");
        var guard = RawGuard.Start(
            AllowAll,
            Scripts.Node(
                $"require('fs').writeFileSync('{pidFile}', String(process.pid));"
                    + $" process.stderr.write('child started\\n'); {Scripts.Stubborn}"),
            ["--shutdown-timeout", shutdownTimeout]);

        try
        {
            // The guard passes its child's stderr through: this line comes after the pid file is written.
            await guard.WaitForStderrAsync("child started");
            return (guard, int.Parse(await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken)));
        }
        catch
        {
            await guard.DisposeAsync();
            throw;
        }
    }

    private static void Kill(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()]);
        kill.WaitForExit();
    }

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}") &&
        !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].StartsWith('Z');
}
