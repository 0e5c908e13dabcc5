using System.Runtime.InteropServices;

namespace McpGuard.Telemetry;

/// <summary>
/// Telemetry's export threads run below the relay's priority (docs/telemetry.md#cost): when the CPUs are busy, the
/// relay's threads and the agent's and server's processes go first, and the exporter catches up when a CPU idles
/// (its queue holds the spans meanwhile, and past its bound drops them, as it does for a slow collector). At the
/// same priority the spans' thread, waking for each full batch, competed with the relay's pumps for a CPU for each
/// post's hundreds of microseconds; below it, telemetry on rose from ~0.9 to ~1.0 × off in paired rounds on a busy
/// 2-core machine (bench/HISTORY.md).
/// </summary>
internal static partial class ExportThreadPriority
{
    /// <summary>
    /// How far the export threads' nice value is above the guard's: at nice 5 against 0 the kernel weighs them 335
    /// against the relay's 1024, still several times the CPU a busy guard's spans need. At 10 (weight 110) the
    /// spans' thread fell behind on a loaded machine and its queue dropped ~3 % of them (bench/HISTORY.md).
    /// </summary>
    private const int NiceAbove = 5;

    /// <summary>The highest nice value Linux has.</summary>
    private const int NiceMost = 19;

    /// <summary>setpriority's <c>which</c> for one process; on Linux, with <c>who</c> 0, the calling thread.</summary>
    private const int PriorityProcess = 0;

    /// <summary>
    /// Lowers the calling thread's priority, best effort: on Linux its nice value (a per-thread attribute there,
    /// which an unprivileged process may raise), elsewhere the runtime's thread priority.
    /// </summary>
    public static void Lower()
    {
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
                return;
            }

            // Relative to the thread's own (the guard's, inherited): a guard started with nice keeps its order.
            var nice = Math.Min(NiceMost, getpriority(PriorityProcess, 0) + NiceAbove);
            _ = setpriority(PriorityProcess, 0, nice); // a refusal leaves the thread as it was: slower, never wrong
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException
            or ThreadStateException or PlatformNotSupportedException)
        {
            // no C library with setpriority under this name, or no thread priorities: the relay's priority it is
        }
    }

    [LibraryImport("libc.so.6")]
    private static partial int setpriority(int which, uint who, int priority);

    /// <summary>The thread's nice value (-1 is also an error's, read as a nice of -1: harmless here).</summary>
    [LibraryImport("libc.so.6")]
    private static partial int getpriority(int which, uint who);
}
