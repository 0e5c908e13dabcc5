using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// The export threads' sleep between posts (<see cref="ExportSignal"/>): a manual-reset signal, on Linux a futex
/// waited on straight from the caller.
/// </summary>
public sealed class ExportSignalTests
{
    [Fact]
    public void OnLinux_SleepsInTheFutex()
    {
        using var signal = new ExportSignal();

        Assert.Equal(OperatingSystem.IsLinux(), signal.UsesFutex);
    }

    [Fact]
    public void Set_WakesTheSleepingThread_AndStaysSetUntilReset()
    {
        using var signal = new ExportSignal();
        using var waiting = new ManualResetEventSlim();
        var woken = false;
        string? task = null;
        var thread = new Thread(() =>
        {
            task = OperatingSystem.IsLinux() ? new DirectoryInfo("/proc/thread-self").ResolveLinkTarget(false)?.Name
                : null;
            waiting.Set();
            woken = signal.Wait(Timeout.InfiniteTimeSpan);
        });
        thread.Start();
        waiting.Wait(TestContext.Current.CancellationToken);
        if (task is not null)
        {
            // Asleep in the wait before the Set: a Set that did not wake a sleeper would leave the thread asleep. (A
            // wait that never sleeps is not waited for past a minute: the Join then shows what it did.)
            var spin = new SpinWait();
            var looking = System.Diagnostics.Stopwatch.StartNew();
            while (State(task) != 'S' && looking.Elapsed < TimeSpan.FromMinutes(1))
            {
                spin.SpinOnce();
            }
        }

        signal.Set();
        thread.Join();

        Assert.True(woken); // read after Join
        Assert.True(signal.IsSet);
        Assert.True(signal.Wait(TimeSpan.Zero));
        signal.Reset();
        Assert.False(signal.IsSet);
    }

    [Fact]
    public void Wait_Unset_EndsAtItsTimeout_NotSet()
    {
        using var signal = new ExportSignal();

        Assert.False(signal.Wait(TimeSpan.FromMilliseconds(20)));
        Assert.False(signal.Wait(TimeSpan.Zero));
        Assert.False(signal.IsSet);
    }

    [Fact]
    public void SetTwice_ThenReset_WaitsAgain()
    {
        using var signal = new ExportSignal();
        signal.Set();
        signal.Set();

        signal.Reset();

        Assert.False(signal.Wait(TimeSpan.FromMilliseconds(1)));
    }

    /// <summary>A thread's scheduler state (R running, S sleeping), from <c>/proc/self/task/ID/stat</c>.</summary>
    private static char State(string task)
    {
        var stat = File.ReadAllText($"/proc/self/task/{task}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }
}
