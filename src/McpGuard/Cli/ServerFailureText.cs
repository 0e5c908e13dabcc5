using System.ComponentModel;
using McpGuard.Inventory;
using McpGuard.Stdio;
using ModelContextProtocol.Client;

namespace McpGuard.Cli;

/// <summary>
/// Why a server could not be listed, in one line: not found on PATH, or exited with code N and the last lines of
/// its stderr, instead of the SDK's "Failed to connect transport". The SDK hands the exit code and the stderr
/// tail over as <see cref="StdioClientCompletionDetails"/>; the tail is the server's text, made inert by the caller.
/// </summary>
internal static class ServerFailureText
{
    private const int TailLines = 3;
    private const int TailChars = 400;

    public static string Describe(Exception exception, IReadOnlyList<string> commandLine)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is Win32Exception start)
            {
                return StartFailureText.Describe(commandLine[0], start);
            }

            if (inner is UpstreamUnansweredException unanswered)
            {
                // The guard's own upstream client (--url) got no answer: the caller's line already names the URL.
                return unanswered.Why;
            }

            if (inner is ClientTransportClosedException { Details: StdioClientCompletionDetails details })
            {
                // The SDK reads the exit code only while the process handle is valid; a server it could not read it
                // from still ended before answering, and its stderr still says why.
                return details.ExitCode is { } code
                    ? $"it exited with code {code} before it answered{Tail(details.StandardErrorTail)}"
                    : $"it ended before it answered (its exit code could not be read){Tail(details.StandardErrorTail)}";
            }
        }

        return FirstLine(exception.Message);
    }

    private static string Tail(IReadOnlyList<string>? stderr)
    {
        var lines = (stderr ?? []).Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(TailLines).ToList();
        if (lines.Count == 0)
        {
            return "; it wrote nothing to stderr";
        }

        var tail = string.Join(" | ", lines);
        return "; its stderr ends: " + (tail.Length > TailChars ? "…" + tail[^TailChars..] : tail);
    }

    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? message : message[..end];
    }
}
