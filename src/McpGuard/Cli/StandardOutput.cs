using Microsoft.Win32.SafeHandles;

namespace McpGuard.Cli;

/// <summary>The guard's stdout, opened so that a client closing its end is noticed.</summary>
internal static class StandardOutput
{
    /// <summary>
    /// On Unix the console stream silently discards writes that fail with EPIPE, so a guard whose client closed
    /// its end of stdout would never notice and would outlive it. A plain file stream over descriptor 1 reports
    /// the broken pipe as an <see cref="IOException"/>, and the relay then shuts down as on client EOF.
    /// </summary>
    public static Stream Open()
    {
        if (OperatingSystem.IsWindows())
        {
            return Console.OpenStandardOutput();
        }

        try
        {
            return new InlineWriteStream(
                new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0));
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // Descriptor 1 closed or of a kind FileStream refuses: the console stream still works.
            return Console.OpenStandardOutput();
        }
    }
}
