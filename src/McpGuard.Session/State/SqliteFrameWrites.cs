using System.Runtime.InteropServices;

using static McpGuard.State.SqliteVfs;

namespace McpGuard.State;

/// <summary>
/// One system call per WAL frame instead of two. SQLite writes each frame of its log as its 24-byte header and then
/// its page, two <c>pwrite</c>s at adjacent offsets; a lone counted call commits one frame, and on the project's VM
/// each of those small writes costs about as much as one of the commit's six lock calls (bench/HISTORY.md, issue 27).
/// This wraps the default VFS: a log file's header write is held back and goes out with the page that follows it
/// in one write of both; anything else done to the file first writes a held header alone. Nothing else changes:
/// the same bytes at the same offsets, written before the commit's <c>write</c> returns, and the lock calls (the
/// other processes' view) are the default VFS's own.
/// </summary>
internal static unsafe partial class SqliteFrameWrites
{
    private const string Library = "e_sqlite3";

    /// <summary>SQLITE_OPEN_WAL (sqlite3.h).</summary>
    private const int OpenWal = 0x00080000;

    /// <summary>A WAL frame's header (wal.c, WAL_FRAME_HDRSIZE).</summary>
    private const int FrameHeader = 24;

    /// <summary>Pages up to this size go out with their header from the stack; larger ones (up to SQLite's 64 KiB)
    /// after it, as SQLite writes them.</summary>
    private const int MaxJoinedPage = 16384;

    private static readonly object s_lock = new();

    private static sqlite3_vfs* s_inner;
    private static sqlite3_io_methods* s_innerMethods;
    private static sqlite3_io_methods* s_methods;
    private static int s_state;
    private static long s_joined;

    /// <summary>Frames written in one call since the process started (for tests).</summary>
    public static long Joined => Interlocked.Read(ref s_joined);

    /// <summary>
    /// Registers the wrapper as SQLite's default VFS, once, before the first connection opens; true when the
    /// default VFS is it. If SQLite has no default VFS or registering fails, connections use SQLite's own.
    /// </summary>
    public static bool Install()
    {
        if (Interlocked.CompareExchange(ref s_state, 1, 0) != 0)
        {
            return Volatile.Read(ref s_state) == 2;
        }

        var inner = sqlite3_vfs_find(null);
        if (inner is null || inner->iVersion < 3)
        {
            return false;
        }

        var vfs = (sqlite3_vfs*)NativeMemory.AllocZeroed((nuint)sizeof(sqlite3_vfs));
        *vfs = *inner;
        vfs->pNext = null;
        vfs->szOsFile = Extra(inner) + sizeof(Held);
        vfs->zName = (byte*)Marshal.StringToCoTaskMemUTF8("mcpguard");
        vfs->xOpen = &Open;
        s_inner = inner;
        if (sqlite3_vfs_register(vfs, 1) != 0)
        {
            return false;
        }

        Volatile.Write(ref s_state, 2);
        return true;
    }

    /// <summary>Where this wrapper's state starts in a file: after the inner VFS's own, 8-byte aligned.</summary>
    private static int Extra(sqlite3_vfs* inner) => (inner->szOsFile + 7) & ~7;

    private static Held* HeldOf(sqlite3_file* file) => (Held*)((byte*)file + Extra(s_inner));

    [UnmanagedCallersOnly]
    private static int Open(sqlite3_vfs* vfs, byte* name, sqlite3_file* file, int flags, int* outFlags)
    {
        var rc = s_inner->xOpen(s_inner, name, file, flags, outFlags);
        if (rc != 0 || (flags & OpenWal) == 0 || file->pMethods is null)
        {
            return rc;
        }

        lock (s_lock)
        {
            Wrap(file);
        }

        return rc;
    }

    /// <summary>
    /// Gives a log file the wrapper's methods: the inner VFS's (which give every log file the same ones), copied
    /// once, with this type's calls in place of those that touch the file's bytes.
    /// </summary>
    private static void Wrap(sqlite3_file* file)
    {
        if (s_methods is null)
        {
            if (file->pMethods->iVersion < 3)
            {
                return;
            }

            var methods = (sqlite3_io_methods*)NativeMemory.AllocZeroed((nuint)sizeof(sqlite3_io_methods));
            *methods = *file->pMethods;
            methods->xClose = &Close;
            methods->xRead = &Read;
            methods->xWrite = &Write;
            methods->xTruncate = &Truncate;
            methods->xSync = &Sync;
            methods->xFileSize = &FileSize;
            methods->xFileControl = &FileControl;
            s_innerMethods = file->pMethods;
            s_methods = methods;
        }

        if (file->pMethods == s_innerMethods)
        {
            *HeldOf(file) = default;
            file->pMethods = s_methods;
        }
    }

    [UnmanagedCallersOnly]
    private static int Write(sqlite3_file* file, byte* data, int amount, long offset)
    {
        var held = HeldOf(file);
        if (held->Length == 0)
        {
            if (amount == FrameHeader)
            {
                // A frame's header (or anything else of its length): held until the next call on the file.
                Buffer.MemoryCopy(data, held->Bytes, FrameHeader, FrameHeader);
                held->Offset = offset;
                held->Length = FrameHeader;
                return 0;
            }

            return s_innerMethods->xWrite(file, data, amount, offset);
        }

        if (offset != held->Offset + FrameHeader || amount > MaxJoinedPage)
        {
            var rc = WriteHeld(file);
            return rc != 0 ? rc : s_innerMethods->xWrite(file, data, amount, offset);
        }

        var joined = stackalloc byte[FrameHeader + amount];
        Buffer.MemoryCopy(held->Bytes, joined, FrameHeader, FrameHeader);
        Buffer.MemoryCopy(data, joined + FrameHeader, amount, amount);
        held->Length = 0;
        Interlocked.Increment(ref s_joined);
        return s_innerMethods->xWrite(file, joined, FrameHeader + amount, held->Offset);
    }

    /// <summary>Writes a held header alone (before any other use of the file).</summary>
    private static int WriteHeld(sqlite3_file* file)
    {
        var held = HeldOf(file);
        if (held->Length == 0)
        {
            return 0;
        }

        held->Length = 0;
        return s_innerMethods->xWrite(file, held->Bytes, FrameHeader, held->Offset);
    }

    [UnmanagedCallersOnly]
    private static int Close(sqlite3_file* file)
    {
        var rc = WriteHeld(file);
        var closed = s_innerMethods->xClose(file);
        return rc != 0 ? rc : closed;
    }

    [UnmanagedCallersOnly]
    private static int Read(sqlite3_file* file, byte* data, int amount, long offset)
    {
        var rc = WriteHeld(file);
        return rc != 0 ? rc : s_innerMethods->xRead(file, data, amount, offset);
    }

    [UnmanagedCallersOnly]
    private static int Truncate(sqlite3_file* file, long size)
    {
        var rc = WriteHeld(file);
        return rc != 0 ? rc : s_innerMethods->xTruncate(file, size);
    }

    [UnmanagedCallersOnly]
    private static int Sync(sqlite3_file* file, int flags)
    {
        var rc = WriteHeld(file);
        return rc != 0 ? rc : s_innerMethods->xSync(file, flags);
    }

    [UnmanagedCallersOnly]
    private static int FileSize(sqlite3_file* file, long* size)
    {
        var rc = WriteHeld(file);
        return rc != 0 ? rc : s_innerMethods->xFileSize(file, size);
    }

    [UnmanagedCallersOnly]
    private static int FileControl(sqlite3_file* file, int option, void* argument)
    {
        var rc = WriteHeld(file);
        return rc != 0 ? rc : s_innerMethods->xFileControl(file, option, argument);
    }

    [LibraryImport(Library)]
    private static partial sqlite3_vfs* sqlite3_vfs_find(byte* name);

    [LibraryImport(Library)]
    private static partial int sqlite3_vfs_register(sqlite3_vfs* vfs, int makeDefault);

    /// <summary>A log file's held header, after the inner VFS's state in the file's memory.</summary>
    private struct Held
    {
        public long Offset;
        public int Length;
        public fixed byte Bytes[FrameHeader];
    }
}
