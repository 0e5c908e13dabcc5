using McpGuard.Home;

namespace McpGuard.Audit;

/// <summary>
/// A file that only grows by whole lines, shared with other processes (see <see cref="AppendStrategy"/>).
/// </summary>
internal sealed class AppendOnlyFile : IDisposable
{
    private readonly FileStream _stream;

    private AppendOnlyFile(FileStream stream, AppendStrategy strategy)
    {
        _stream = stream;
        Strategy = strategy;
    }

    public AppendStrategy Strategy { get; }

    /// <summary>
    /// Opens or creates the file (and its directory, private to the user on Unix). Throws on failure.
    /// </summary>
    public static AppendOnlyFile Open(string path, AppendStrategy? strategy = null)
    {
        McpGuardHome.EnsureDirectoryOf(path);
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(path, options);
        var chosen = strategy ?? AppendStrategy.AppendFlag;
        if (chosen == AppendStrategy.AppendFlag
            && (OperatingSystem.IsWindows() || !UnixNativeMethods.TrySetAppendFlag(stream.SafeFileHandle)))
        {
            chosen = AppendStrategy.SeekToEnd;
        }

        return new AppendOnlyFile(stream, chosen);
    }

    /// <summary>Appends the bytes as one unit. Throws <see cref="IOException"/> on failure.</summary>
    public void Append(ReadOnlySpan<byte> line)
    {
        if (Strategy == AppendStrategy.AppendFlag)
        {
            UnixNativeMethods.WriteAll(_stream.SafeFileHandle, line);
            return;
        }

        _stream.Seek(0, SeekOrigin.End);
        _stream.Write(line);
    }

    public void Dispose() => _stream.Dispose();
}
