namespace McpGuard.Audit;

/// <summary>How <see cref="AppendOnlyFile"/> keeps whole lines from several processes apart.</summary>
internal enum AppendStrategy
{
    /// <summary>
    /// Unix: O_APPEND set with fcntl and one write(2) per line; the kernel appends each line atomically.
    /// </summary>
    AppendFlag,

    /// <summary>
    /// Windows, or if libc cannot be called: seek to the end and write; safe within one process only.
    /// </summary>
    SeekToEnd,
}
