using System.Collections.Concurrent;
using McpGuard.Policy.Pins;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// Says on stderr, once per tool and definition in a session, that a listed tool does not match its pin and
/// what the guard does about it. The name is server text: it is logged sanitised, and the diff only at Trace.
/// </summary>
internal sealed partial class PinDriftReporter(ILogger logger)
{
    // Bounded by what the server lists: one entry per drifted tool name, holding the last hash reported.
    private readonly ConcurrentDictionary<string, string> _reported = new(StringComparer.Ordinal);

    public void Report(ListedTool tool, PinAction action)
    {
        var hash = tool.Listed?.Sha256 ?? "unhashable";
        if (_reported.TryGetValue(tool.Name, out var last) && last == hash)
        {
            return;
        }

        _reported[tool.Name] = hash;
        var what = tool.Drift == PinDrift.Changed ? "changed since it was pinned" : "is not pinned";
        var doing = action switch
        {
            PinAction.Hide => "hidden",
            PinAction.Deny => "listed, every call denied",
            PinAction.RequireApproval => "listed, every call needs approval",
            _ => "decided by the policy (on_new: allow)",
        };
        LogDrift(logger, TerminalText.Printable(tool.Name), what, doing);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tool {ToolName} {What} (pins): {Action}.")]
    private static partial void LogDrift(ILogger logger, string toolName, string what, string action);
}
