using System.Diagnostics;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// A given-up listing's server is killed (SIGKILL to its tree) as its connection closes, and the SDK does not wait for
/// it to die when told not to wait (its ShutdownTimeout zero). A killed process still runs until the kernel schedules
/// it to exit, which at load can be after the command has printed "the server was stopped too" and exited. This waits,
/// briefly, until it is gone: .NET has no handle to wait on for a process the SDK has disposed, so its /proc entry is
/// read until it is absent or a zombie (dead; the runtime reaps it).
/// </summary>
internal static class KilledServer
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_look = TimeSpan.FromMilliseconds(5);

    /// <summary>The server's process id, from the SDK's account of the closed connection, if it gives one.</summary>
    public static int? ProcessIdOf(ITransport connection) =>
        connection.MessageReader.Completion is { IsFaulted: true } closed
            && closed.Exception?.InnerException is ClientTransportClosedException
            {
                Details: StdioClientCompletionDetails { ProcessId: { } pid },
            }
            ? pid
            : null;

    public static async Task AwaitGoneAsync(int pid)
    {
        var waited = Stopwatch.StartNew();
        using var look = new PeriodicTimer(s_look);
        while (IsRunning(pid) && waited.Elapsed < s_limit)
        {
            await look.WaitForNextTickAsync();
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            // The state follows the command's name in parentheses, which may itself hold spaces or parentheses.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat.AsSpan(stat.LastIndexOf(')') + 1).TrimStart();
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
