using System.Runtime.InteropServices;
using System.Text;

namespace McpGuard.Http;

/// <summary>
/// A file's last write time and length, read again on every call: what <see cref="AgentTokens"/> compares to know
/// that agents.yaml changed. Null when there is no such file (or the path names a directory, as
/// <see cref="FileInfo.Exists"/> says).
/// </summary>
/// <remarks>
/// On Linux one <c>statx</c> call. <see cref="FileInfo"/>'s <c>Length</c> first works out the file's attributes,
/// read-only included, which asks the kernel for the process's user id: a second system call on every request that
/// `serve` checks a token for (about 1.2 µs of CPU each on the 2-core VM of the twenty-first session, where a `serve
/// --url` call makes some 19), and ~1,000 instructions of attribute work besides. Symbolic links are followed, as
/// <see cref="FileInfo"/> follows them for the time and length. Elsewhere, or where the call is refused (an old
/// kernel, a sandbox without it), <see cref="FileInfo"/> as before.
/// </remarks>
internal sealed partial class FileStamp
{
    private const int AtCurrentDirectory = -100;
    private const uint Type = 0x1;
    private const uint WriteTime = 0x40;
    private const uint Size = 0x200;
    private const int NoSuchFile = 2;
    private const int NotADirectory = 20;

    /// <summary>The kernel's <c>struct statx</c>: the same 256 bytes on every architecture.</summary>
    private const int StatxBytes = 256;
    private const int ModeAt = 28;
    private const int SizeAt = 40;
    private const int WriteSecondsAt = 112;
    private const int WriteNanosecondsAt = 120;

    private static bool s_statx = OperatingSystem.IsLinux();

    /// <summary>This thread's <see cref="FileInfo"/> of the file last read on it without statx.</summary>
    [ThreadStatic]
    private static (string Path, FileInfo Info)? t_file;

    private readonly string _path;

    /// <summary>The path as C wants it, made once: UTF-8 ending in a zero.</summary>
    private readonly byte[] _cPath;

    public FileStamp(string path) => (_path, _cPath) = (path, Encoding.UTF8.GetBytes(path + "\0"));

    /// <summary>The file's time and length now; null when it does not exist or is a directory.</summary>
    public (DateTime WrittenAt, long Length)? Read()
    {
        if (s_statx && TryStatx(out var stamp))
        {
            return stamp;
        }

        var info = StatOf(_path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
    }

    /// <summary>
    /// The file's status, read again now: one <c>FileInfo</c> per thread and file, refreshed, since a new one per
    /// request normalised the path again (about a third of the token check's 2,400 instructions a request, callgrind).
    /// </summary>
    private static FileInfo StatOf(string path)
    {
        if (t_file is { } file && ReferenceEquals(file.Path, path))
        {
            file.Info.Refresh();
            return file.Info;
        }

        var info = new FileInfo(path);
        t_file = (path, info);
        return info;
    }

    /// <summary>False when statx could not say (then <see cref="FileInfo"/> is asked).</summary>
    private unsafe bool TryStatx(out (DateTime WrittenAt, long Length)? stamp)
    {
        stamp = null;
        var status = stackalloc byte[StatxBytes];
        int result;
        try
        {
            fixed (byte* path = _cPath)
            {
                result = Statx(AtCurrentDirectory, path, 0, Type | WriteTime | Size, status);
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // A C library without statx (glibc before 2.28): FileInfo from now on.
            s_statx = false;
            return false;
        }

        if (result != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            return error is NoSuchFile or NotADirectory;
        }

        var view = new ReadOnlySpan<byte>(status, StatxBytes);
        if ((MemoryMarshal.Read<uint>(view) & (Type | WriteTime | Size)) != (Type | WriteTime | Size))
        {
            return false;
        }

        const int FileType = 0xF000;
        const int Directory = 0x4000;
        if ((MemoryMarshal.Read<ushort>(view[ModeAt..]) & FileType) == Directory)
        {
            return true;
        }

        // FileInfo's time: the seconds and the nanoseconds in 100 ns ticks since 1970.
        var ticks = MemoryMarshal.Read<long>(view[WriteSecondsAt..]) * TimeSpan.TicksPerSecond
            + MemoryMarshal.Read<uint>(view[WriteNanosecondsAt..]) / 100;
        stamp = (DateTime.UnixEpoch.AddTicks(ticks), MemoryMarshal.Read<long>(view[SizeAt..]));
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static unsafe partial int Statx(int directory, byte* path, int flags, uint mask, byte* status);
}
