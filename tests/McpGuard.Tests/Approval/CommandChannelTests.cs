using McpGuard.Approval;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging;

namespace McpGuard.Tests.Approval;

public sealed class CommandChannelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<ApprovalOutcome?> AskAsync(
        string script, CapturingLogger? logger = null, Action<string>? unavailable = null,
        CancellationToken? cancellationToken = null) =>
        new CommandChannel(() => ["sh", "-c", script], logger ?? new CapturingLogger())
            .AskAsync(
                ChannelApproverTests.Request(), DateTimeOffset.UtcNow.AddMinutes(1), unavailable ?? (_ => { }),
                cancellationToken ?? Ct);

    [Fact]
    public async Task AskAsync_ExitZero_Approves()
    {
        var outcome = await AskAsync("exit 0");

        Assert.True(outcome!.Approved);
    }

    [Fact]
    public async Task AskAsync_NonZeroExit_RefusesWithTheCode()
    {
        var outcome = await AskAsync("exit 3");

        Assert.False(outcome!.Approved);
        Assert.Contains("exit code 3", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_Stdin_IsTheRequestAsJson()
    {
        // Approves only if the JSON on stdin names the tool, server, rule and arguments.
        var outcome = await AskAsync("""
            input=$(cat)
            case "$input" in *'"call_id":"7"'*'"server":"bybit"'*'"tool":"place_order"'*) ;; *) exit 1;; esac
            args='"arguments":{"symbol":"BTCUSDT","qty":"0.5"}'
            case "$input" in *"$args"*'"rule":"tools.place_order"'*'"deadline":'*) exit 0;; esac
            exit 2
            """);

        Assert.True(outcome!.Approved, outcome.Reason);
    }

    [Fact]
    public async Task AskAsync_ApproverEchoesItsRequest_ArgumentsStayAtTrace()
    {
        var logger = new CapturingLogger();

        // The request on stdin carries the call's arguments; an approver that echoes it must not leak them.
        await AskAsync("cat >&2; exit 1", logger);

        Assert.Contains(
            logger.Entries, e => e.Level == LogLevel.Trace && e.Message.Contains("BTCUSDT", StringComparison.Ordinal));
        Assert.DoesNotContain(
            logger.Entries, e => e.Level > LogLevel.Trace && e.Message.Contains("BTCUSDT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AskAsync_ProgramMissing_IsUnavailable()
    {
        string? why = null;

        var outcome = await new CommandChannel(() => ["/nonexistent/approver"], new CapturingLogger())
            .AskAsync(ChannelApproverTests.Request(), DateTimeOffset.UtcNow.AddMinutes(1), w => why = w, Ct);

        Assert.Null(outcome);
        Assert.Contains("'/nonexistent/approver' cannot start", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_NotConfigured_IsUnavailable()
    {
        string? why = null;

        var outcome = await new CommandChannel(() => [], new CapturingLogger())
            .AskAsync(ChannelApproverTests.Request(), DateTimeOffset.UtcNow, w => why = w, Ct);

        Assert.Null(outcome);
        Assert.Contains("approval.command is not set", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_Cancelled_KillsTheProcessTree()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"mcpguard-{Guid.NewGuid():n}.pid");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var logger = new CapturingLogger();

        // The shell starts a grandchild that would outlive a plain kill of the shell.
        var asking = AskAsync(
            $"sleep 300 & echo $! > {pidFile}; echo started >&2; wait", logger, cancellationToken: cancel.Token);
        await logger.WaitForAsync("started").WaitAsync(TestConstants.DefaultTimeout, Ct);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => asking.WaitAsync(TestConstants.DefaultTimeout, Ct));
        var pid = int.Parse(
            (await File.ReadAllTextAsync(pidFile, Ct)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using var grandchild = TryGetProcess(pid);
        Assert.True(
            grandchild is null || grandchild.WaitForExit(TestConstants.DefaultTimeout), "the grandchild survived");
        File.Delete(pidFile);
    }

    private static System.Diagnostics.Process? TryGetProcess(int pid)
    {
        try
        {
            return System.Diagnostics.Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
