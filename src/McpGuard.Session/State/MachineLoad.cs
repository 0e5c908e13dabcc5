using System.Globalization;

namespace McpGuard.State;

/// <summary>
/// This machine's load, for a line that says a connection was slow: a fact the guard knows, so the reader can tell a
/// busy machine from a slow server without guessing (Linux's /proc/loadavg; elsewhere nothing is said).
/// </summary>
internal static class MachineLoad
{
    /// <summary>"; this machine's load average was 25.78 on 2 cores", or "" where it cannot be read.</summary>
    public static string Said()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ', 2)[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load)
                ? string.Create(
                    CultureInfo.InvariantCulture,
                    $"; this machine's load average was {load:0.##} on {Environment.ProcessorCount} cores")
                : "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
