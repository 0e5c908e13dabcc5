using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace McpGuard.Audit;

/// <summary>
/// The libc calls .NET does not expose. FileMode.Append only seeks to the end once and then writes with pwrite
/// at its own offset (checked with strace), so two processes appending to one file overwrite each other's lines.
/// </summary>
internal static class UnixNativeMethods
{
    private const int GetStatusFlags = 3; // F_GETFL, same on Linux and the BSDs/macOS
    private const int SetStatusFlags = 4; // F_SETFL
    private const int Interrupted = 4; // EINTR

    private static int AppendFlag => OperatingSystem.IsLinux() ? 0x400 : 0x8; // O_APPEND: Linux 02000, BSD/macOS 0x0008

    // fcntl is variadic. Linux and x64 pass the third argument in a register like a fixed one; Apple arm64 passes
    // variadic arguments on the stack, so there the import fills x2-x7 and puts the argument in the first stack slot.
    private static bool IsAppleArm64 =>
        (OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsMacCatalyst())
        && RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    /// <summary>Sets O_APPEND on an open descriptor and reads it back; false if that did not work.</summary>
    public static bool TrySetAppendFlag(SafeFileHandle fd)
    {
        try
        {
            var flags = GetFlags(fd);
            return flags >= 0 && SetFlags(fd, flags | AppendFlag) == 0 && (GetFlags(fd) & AppendFlag) != 0;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// write(2) until every byte is written; throws <see cref="IOException"/> with the errno message.
    /// </summary>
    public static void WriteAll(SafeFileHandle fd, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var written = Write(fd, ref MemoryMarshal.GetReference(bytes), (nuint)bytes.Length);
            if (written >= 0)
            {
                bytes = bytes[(int)written..];
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Interrupted)
            {
                throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
            }
        }
    }

    private static int GetFlags(SafeFileHandle fd) =>
        IsAppleArm64 ? FcntlAppleArm64(fd, GetStatusFlags, 0, 0, 0, 0, 0, 0, 0) : Fcntl(fd, GetStatusFlags, 0);

    private static int SetFlags(SafeFileHandle fd, int flags) =>
        IsAppleArm64 ? FcntlAppleArm64(fd, SetStatusFlags, 0, 0, 0, 0, 0, 0, flags) : Fcntl(fd, SetStatusFlags, flags);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fcntl(SafeFileHandle fd, int command, int argument);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FcntlAppleArm64(
        SafeFileHandle fd, int command, nint x2, nint x3, nint x4, nint x5, nint x6, nint x7, nint argument);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint Write(SafeFileHandle fd, ref byte buffer, nuint count);
}
