using System.Runtime.InteropServices;

namespace McpGuard.State;

/// <summary>
/// Four lock calls per commit on the WAL index instead of six. SQLite's unix VFS locks bytes of the <c>-shm</c>
/// file with <c>fcntl(F_SETLK)</c>, one call per change of what the process holds: a lone commit takes its read mark
/// exclusively, lets it go and takes it shared (<c>BEGIN IMMEDIATE</c>), takes the write lock, and lets the write
/// lock and the read mark go (<c>COMMIT</c>): six calls, the largest part of a lone counted call's system time
/// (bench/README.md, issue 27). Through SQLite's own hook for its system calls (<c>xSetSystemCall("fcntl")</c>),
/// during a transaction statement of the store (<see cref="Run"/>) a release on the WAL index is held back until
/// the next lock call: a shared lock on the same byte then turns the held exclusive lock into a shared one in one
/// call (POSIX converts a lock in place, atomically), and a second release goes out with the held one as one release
/// of the range between them when the process holds nothing in between. Anything else first makes the held release,
/// as does the statement's end. Another process sees what it could have seen before with this thread a little
/// slower (a lock held a moment longer, never one released sooner), and a crash releases everything as before.
/// Linux only (the layout of <c>struct flock</c> and the variadic call's registers are those of Linux on 64 bits).
/// </summary>
internal static unsafe class SqliteLockCalls
{
    /// <summary>F_SETLK (Linux, 64-bit).</summary>
    private const int SetLock = 6;

    private const short ReadLock = 0;
    private const short Unlock = 2;

    /// <summary>The WAL index's locks: 8 bytes from byte 120 of the <c>-shm</c> file (os_unix.c,
    /// UNIX_SHM_BASE).</summary>
    private const long FirstByte = 120;

    private const int Bytes = 8;

    /// <summary>
    /// 1 while a thread makes a lock call on the WAL index or decides on the held release: a spin lock, as those
    /// calls never block (F_SETLK) and a lone commit's six of them came to 500 instructions in a monitor's
    /// <c>Enter</c> and <c>Exit</c>.
    /// </summary>
    private static int s_gate;

    /// <summary>What the process holds on each WAL index's lock bytes (<see cref="Bytes"/> per descriptor, by its
    /// number): 0 nothing, else the lock's type + 1.</summary>
    private static byte[] s_held = new byte[64 * Bytes];

    private static int s_lastThread;

    private static delegate* unmanaged<int, int, nint, int> s_fcntl;
    private static int s_state;
    private static long s_saved;

    /// <summary>The held release (one at a time, under <see cref="s_gate"/>): descriptor, byte, thread.</summary>
    private static int s_heldFd = -1;

    private static long s_heldByte;
    private static int s_heldThread;

    [ThreadStatic]
    private static bool t_inStatement;

    /// <summary>This thread's number here (0 until its first held release).</summary>
    [ThreadStatic]
    private static int t_thread;

    /// <summary>Lock calls saved since the process started (for tests).</summary>
    public static long Saved => Interlocked.Read(ref s_saved);

    /// <summary>
    /// Puts the hook in place in the VFS <paramref name="unix"/> (SQLite's unix VFS: its system calls are shared by
    /// every connection of the process), once, before the first connection opens. Elsewhere than on 64-bit Linux, or
    /// when SQLite refuses, nothing changes.
    /// </summary>
    public static void Install(SqliteVfs.sqlite3_vfs* unix)
    {
        if (Interlocked.Exchange(ref s_state, 1) != 0 || !OperatingSystem.IsLinux() || sizeof(nint) != 8 ||
            unix->iVersion < 3 || unix->xGetSystemCall == 0 || unix->xSetSystemCall == 0)
        {
            return;
        }

        var name = stackalloc byte[] { (byte)'f', (byte)'c', (byte)'n', (byte)'t', (byte)'l', 0 };
        var get = (delegate* unmanaged<SqliteVfs.sqlite3_vfs*, byte*, nint>)unix->xGetSystemCall;
        var set = (delegate* unmanaged<SqliteVfs.sqlite3_vfs*, byte*, nint, int>)unix->xSetSystemCall;
        var original = get(unix, name);
        if (original == 0)
        {
            return;
        }

        s_fcntl = (delegate* unmanaged<int, int, nint, int>)original;
        if (set(unix, name, (nint)(delegate* unmanaged<int, int, nint, int>)&Fcntl) != 0)
        {
            s_fcntl = null;
        }
    }

    /// <summary>
    /// Steps a transaction statement (<c>BEGIN IMMEDIATE</c>, <c>COMMIT</c>, <c>ROLLBACK</c>) with its lock calls
    /// joined; a release still held when it returns is made then.
    /// </summary>
    public static int Run(nint statement)
    {
        if (s_fcntl is null)
        {
            return SqliteNative.Step(statement);
        }

        t_inStatement = true;
        try
        {
            return SqliteNative.Step(statement);
        }
        finally
        {
            t_inStatement = false;
            if (Volatile.Read(ref s_heldFd) >= 0)
            {
                Enter();
                if (s_heldThread == t_thread)
                {
                    _ = ReleaseHeld();
                }

                Exit();
            }
        }
    }

    [UnmanagedCallersOnly]
    private static int Fcntl(int fd, int command, nint argument)
    {
        var request = (Flock*)argument;
        if (command != SetLock || request->Start < FirstByte || request->Length <= 0 ||
            request->Start + request->Length > FirstByte + Bytes)
        {
            if (Volatile.Read(ref s_heldFd) == fd)
            {
                Enter();
                _ = ReleaseHeld();
                Exit();
            }

            return s_fcntl(fd, command, argument);
        }

        Enter();
        try
        {
            return Lock(fd, request);
        }
        finally
        {
            Exit();
        }
    }

    private static void Enter()
    {
        if (Interlocked.CompareExchange(ref s_gate, 1, 0) != 0)
        {
            var spin = default(SpinWait);
            while (Interlocked.CompareExchange(ref s_gate, 1, 0) != 0)
            {
                spin.SpinOnce();
            }
        }
    }

    private static void Exit() => Volatile.Write(ref s_gate, 0);

    /// <summary>A lock call on the WAL index's bytes, under <see cref="s_gate"/>.</summary>
    private static int Lock(int fd, Flock* request)
    {
        var mine = t_inStatement && request->Length == 1;
        if (s_heldFd >= 0)
        {
            var joinable = mine && s_heldFd == fd && s_heldThread == t_thread;
            if (joinable && request->Type == ReadLock && request->Start == s_heldByte)
            {
                // The byte is still locked (the held release): the shared lock replaces that lock in one call.
                s_heldFd = -1;
                var rc = Call(fd, request);
                if (rc != 0)
                {
                    _ = Release(fd, s_heldByte, 1);
                }

                Interlocked.Increment(ref s_saved);
                return rc;
            }

            if (joinable && request->Type == Unlock && request->Start > s_heldByte &&
                NothingHeldBetween(fd, s_heldByte + 1, request->Start))
            {
                s_heldFd = -1;
                if (Release(fd, s_heldByte, request->Start - s_heldByte + 1) == 0)
                {
                    Interlocked.Increment(ref s_saved);
                    return 0;
                }

                _ = Release(fd, s_heldByte, 1);
                return Call(fd, request);
            }

            // A release that fails (never seen: a valid descriptor, one byte) is the caller's to hear of when it
            // made it; another thread's call goes on.
            var owner = s_heldThread == t_thread;
            var held = ReleaseHeld();
            if (held != 0 && owner)
            {
                return held;
            }
        }

        if (mine && request->Type == Unlock)
        {
            s_heldFd = fd;
            s_heldByte = request->Start;
            s_heldThread = t_thread != 0 ? t_thread : t_thread = ++s_lastThread;
            return 0;
        }

        return Call(fd, request);
    }

    /// <summary>Makes the held release, if any (under <see cref="s_gate"/>).</summary>
    private static int ReleaseHeld()
    {
        var fd = s_heldFd;
        if (fd < 0)
        {
            return 0;
        }

        s_heldFd = -1;
        return Release(fd, s_heldByte, 1);
    }

    private static int Release(int fd, long start, long length)
    {
        var release = new Flock { Type = Unlock, Start = start, Length = length };
        return Call(fd, &release);
    }

    /// <summary>The real call, and what the process then holds.</summary>
    private static int Call(int fd, Flock* request)
    {
        var rc = s_fcntl(fd, SetLock, (nint)request);
        if (rc == 0)
        {
            if ((long)fd * Bytes >= s_held.Length)
            {
                Array.Resize(ref s_held, (int)Math.Max(2L * s_held.Length, ((long)fd + 1) * Bytes));
            }

            var type = request->Type == Unlock ? (byte)0 : (byte)(request->Type + 1);
            s_held.AsSpan(fd * Bytes + (int)(request->Start - FirstByte), (int)request->Length).Fill(type);
        }

        return rc;
    }

    private static bool NothingHeldBetween(int fd, long from, long to)
    {
        return (long)fd * Bytes >= s_held.Length ||
            !s_held.AsSpan(fd * Bytes + (int)(from - FirstByte), (int)(to - from)).ContainsAnyExcept((byte)0);
    }

    /// <summary>struct flock (Linux, 64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }
}
