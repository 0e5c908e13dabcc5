using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace McpGuard.Telemetry;

/// <summary>
/// A manual-reset signal an export thread sleeps on between posts (<see cref="TraceExporter"/>,
/// <see cref="MetricExporter"/>). On Linux it waits in the kernel's futex, called straight from the waiting method:
/// a young collection on the relay's pump suspends and walks every thread's managed frames, and a sleeping export
/// thread in <c>ManualResetEventSlim.Wait</c> was 8 managed frames deep in the runtime's wait code (Monitor,
/// Condition, the managed wait subsystem; gdb, bench/HISTORY.md), unwound at every collection; here it is the
/// thread's own and this one. Elsewhere, or where the call is refused, a <c>ManualResetEventSlim</c>.
/// </summary>
internal sealed unsafe partial class ExportSignal : IDisposable
{
    private const int FutexWaitPrivate = 128; // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
    private const int FutexWakePrivate = 129; // FUTEX_WAKE | FUTEX_PRIVATE_FLAG

    /// <summary>The futex system call's number, where the signal can use it; else 0.</summary>
    private static readonly long s_futex = FutexNumber();

    /// <summary>
    /// The futex word, 1 while set: in the pinned heap, so its address stays put for the kernel and nothing needs
    /// freeing (a late <see cref="Set"/> after <see cref="Dispose"/> still writes the exporter's own memory).
    /// </summary>
    private readonly int[]? _word;

    private readonly ManualResetEventSlim? _fallback;

    public ExportSignal()
    {
        if (s_futex != 0)
        {
            _word = GC.AllocateArray<int>(1, pinned: true);
        }
        else
        {
            _fallback = new ManualResetEventSlim(initialState: false, spinCount: 0);
        }
    }

    /// <summary>True when the signal waits in the futex, false when in the runtime's wait (the fallback).</summary>
    public bool UsesFutex => _word is not null;

    public bool IsSet => _word is null ? _fallback!.IsSet : Volatile.Read(ref _word[0]) != 0;

    /// <summary>Sets the signal and wakes the waiting thread.</summary>
    public void Set()
    {
        if (_word is null)
        {
            _fallback!.Set();
            return;
        }

        if (Interlocked.Exchange(ref _word[0], 1) == 0)
        {
            _ = syscall(s_futex, Word, FutexWakePrivate, int.MaxValue, null, 0, 0);
        }
    }

    public void Reset()
    {
        if (_word is null)
        {
            _fallback!.Reset();
            return;
        }

        Volatile.Write(ref _word[0], 0);
    }

    /// <summary>Waits until the signal is set or <paramref name="timeout"/> passes; returns whether it is.</summary>
    public bool Wait(TimeSpan timeout)
    {
        if (_word is null)
        {
            return _fallback!.Wait(timeout);
        }

        var forever = timeout == Timeout.InfiniteTimeSpan;
        var deadline = Environment.TickCount64 + (long)Math.Ceiling(Math.Max(0, timeout.TotalMilliseconds));
        while (Volatile.Read(ref _word[0]) == 0)
        {
            var left = forever ? 0 : deadline - Environment.TickCount64;
            if (!forever && left <= 0)
            {
                return false;
            }

            // Sleeps only while the word is still 0 (a Set in between returns at once); a signal or a spurious wake
            // returns early too, and the loop looks again.
            var time = new Timespec { Seconds = left / 1000, Nanoseconds = left % 1000 * 1_000_000 };
            _ = syscall(s_futex, Word, FutexWaitPrivate, 0, forever ? null : &time, 0, 0);
        }

        return true;
    }

    public void Dispose() => _fallback?.Dispose();

    private nint Word => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_word!));

    private static long FutexNumber()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 202L,
            Architecture.Arm64 => 98L,
            _ => 0L,
        };
        try
        {
            // A wake with no waiter: proves the call exists here before any thread sleeps on it.
            var probe = GC.AllocateArray<int>(1, pinned: true);
            var at = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(probe));
            return number != 0 && syscall(number, at, FutexWakePrivate, 1, null, 0, 0) == 0 ? number : 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0; // no C library by this name: the runtime's wait it is
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>
    /// glibc's <c>syscall</c>, declared with the futex's six arguments: the C function only moves its arguments into
    /// the kernel's registers, the same registers a fixed-argument call fills on x64 and arm64 Linux.
    /// </summary>
    [LibraryImport("libc.so.6")]
    private static partial long syscall(long number, nint address, int operation, int value, Timespec* timeout,
        nint address2, int value3);
}
