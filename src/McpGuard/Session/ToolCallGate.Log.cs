using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

internal sealed partial class ToolCallGate
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Unknown or hidden tool {ToolName}: answered as unknown, not forwarded.")]
    private static partial void LogUnknownTool(ILogger logger, string toolName);

    // The reason is not logged: a policy's reason may quote argument values (docs/relay.md#logs); it is in the audit
    // log.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied tool {ToolName} by rule {RuleId}.")]
    private static partial void LogDenied(ILogger logger, string toolName, string ruleId);

    // Under --monitor the call ran: the line says so, and what the policy would have done (docs/policy.md).
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Monitor mode: forwarded tool {ToolName}, which rule {RuleId} would not allow.")]
    private static partial void LogMonitored(ILogger logger, string toolName, string ruleId);

    // The operator's part of a denial (channels tried, a store's diagnostic): never argument values, never sent to the
    // client.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied tool {ToolName}: {Detail}")]
    private static partial void LogDeniedDetail(ILogger logger, string toolName, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Allowed tool {ToolName} by rule {RuleId}.")]
    private static partial void LogAllowed(ILogger logger, string toolName, string ruleId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Approval for tool {ToolName}: approved = {Approved}.")]
    private static partial void LogApproval(ILogger logger, string toolName, bool approved);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarded tool {ToolName} uncounted: {Store} cannot be reached and state.on_unavailable is allow.")]
    private static partial void LogUncounted(ILogger logger, string toolName, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "Approval for tool {ToolName}: asked in the client (input_required).")]
    private static partial void LogAskedInBand(ILogger logger, string toolName);

    // One line, no stack trace: these are the server's or the upstream's failures (docs/relay.md), not the guard's;
    // the text may quote the server, so it is printed through the sanitiser.
    [LoggerMessage(Level = LogLevel.Error, Message = "A held tools/call could not be decided: {Reason}")]
    private static partial void LogHeldCallFailed(ILogger logger, string reason);

    private static void LogHeldCallFailed(ILogger logger, Exception exception) =>
        LogHeldCallFailed(logger, TerminalText.FirstLine(exception.Message));

    [LoggerMessage(
        Level = LogLevel.Warning, Message = "Answered a 2026-07-28 tools/call with the server's own error. {Reason}")]
    private static partial void LogModernListingRefused(ILogger logger, string reason);
}
