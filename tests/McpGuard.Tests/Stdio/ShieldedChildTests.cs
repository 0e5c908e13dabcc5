using System.Text;
using McpGuard.Stdio;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Stdio;

/// <summary>
/// The hold of <see cref="ShieldedChild"/>: a 2025-era line sent after a 2026-07-28 request, before the child spoke
/// or died, waits for the child's fate, and goes to it as it is when the child does neither within the hold
/// (docs/relay.md#a-2025-only-server-and-a-modern-client). Time is a fake clock that the test moves.
/// </summary>
/// <remarks>
/// Two things hang a test of this. The child's stdout read inline (the relay's default) is a blocking read(2) on the
/// caller's thread: a read started before the clock moves holds the test's thread, so the clock never moves and
/// the read never ends (seen: with <c>readsInline: true</c> and the read begun first, the test never returned). So
/// the child is read as a plain pipe, and only after the clock moved. And the hold's timer starts on a continuation
/// once the hold has begun: a clock moved before that timer exists moves past nothing, and the timer then waits
/// for a clock that never moves again, so the test moves it only once the timer is armed.
/// </remarks>
public sealed class ShieldedChildTests
{
    private const string Discover =
        """{"jsonrpc":"2.0","id":1,"method":"server/discover","params":"""
            + """{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""";

    private const string Initialize =
        """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
            + """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""";

    /// <summary>A server that ignores a request it does not know without a word, and echoes an initialize.</summary>
    private const string SilentServer =
        """while IFS= read -r line; do case "$line" in *'"initialize"'*) printf '%s\n' "$line" ;; esac; done""";

    /// <summary>A 2025-only server as the Python SDK 1.9.3 is: it exits on any request before initialize.</summary>
    private const string DiesBeforeInitialize = """
        while IFS= read -r line; do case "$line" in *'"initialize"'*) printf '%s\n' "$line" ;; *) exit 1 ;; esac; done
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Every child started is said started, the restart too (serve's shared child of the real Bybit server lacked the
    /// line: its "exited" line later named a pid never said started).
    /// </summary>
    [Fact]
    public async Task ChildDiesOfAModernRequest_TheRestartIsSaidStartedToo()
    {
        var logger = new CapturingLogger();
        using var child = ShieldedChild.Start(
            ["sh", "-c", DiesBeforeInitialize], Stream.Null, logger, readsInline: false);
        var first = child.Id;

        await child.StandardInput.WriteAsync(Encoding.UTF8.GetBytes(Discover + "\n"), Ct);
        await child.StandardInput.FlushAsync(Ct);
        using var output = new StreamReader(child.StandardOutput);
        var answer = await output.ReadLineAsync(Ct).AsTask().WaitAsync(TestConstants.DefaultTimeout, Ct);
        var started = logger.Entries.Select(e => e.Message)
            .Where(m => m.StartsWith("Started server ", StringComparison.Ordinal)).ToList();
        var restarted = child.Id;
        child.StandardInput.Dispose();
        await child.Exited.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Contains("Method not found", answer);
        Assert.NotEqual(first, restarted);
        Assert.Equal([$"Started server sh (pid {first}).", $"Started server sh (pid {restarted})."], started);
    }

    [Fact]
    public async Task HeldLine_ChildNeitherSpeaksNorDiesWithinTheHold_GoesToItAsItIs()
    {
        var time = new WatchedTime();
        using var child = ShieldedChild.Start(
            ["sh", "-c", SilentServer], Stream.Null, NullLogger.Instance, readsInline: false, time);
        var holdArmed = time.ArmedAsync(ShieldedChild.HoldAtMost);

        await child.StandardInput.WriteAsync(Encoding.UTF8.GetBytes(Discover + "\n" + Initialize + "\n"), Ct);
        await child.StandardInput.FlushAsync(Ct);
        await holdArmed.WaitAsync(TestConstants.DefaultTimeout, Ct);
        time.Advance(ShieldedChild.HoldAtMost);

        using var output = new StreamReader(child.StandardOutput);
        var line = await output.ReadLineAsync(Ct).AsTask().WaitAsync(TestConstants.DefaultTimeout, Ct);
        child.StandardInput.Dispose();
        await child.Exited.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal(Initialize, line);
    }

    /// <summary>A fake clock that says when a timer of a given length is armed on it.</summary>
    private sealed class WatchedTime : TimeProvider
    {
        private readonly FakeTimeProvider _inner = new();
        private readonly Lock _lock = new();
        private readonly List<(TimeSpan Due, TaskCompletionSource Armed)> _watched = [];

        public override long TimestampFrequency => _inner.TimestampFrequency;

        public void Advance(TimeSpan by) => _inner.Advance(by);

        public Task ArmedAsync(TimeSpan due)
        {
            var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _watched.Add((due, armed));
            }

            return armed.Task;
        }

        public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

        public override long GetTimestamp() => _inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = _inner.CreateTimer(callback, state, dueTime, period);
            lock (_lock)
            {
                foreach (var (due, armed) in _watched.Where(w => w.Due == dueTime))
                {
                    armed.TrySetResult();
                }
            }

            return timer;
        }
    }
}
