using McpGuard.Desk;

namespace McpGuard.Approval;

/// <summary>
/// How a request is shown to a person in the client (elicitation); arguments as <see cref="ArgumentsDisplay"/> writes
/// them.
/// </summary>
internal static class ApprovalText
{
    /// <summary>The question as the client shows it (elicitation): server, tool, rule, arguments.</summary>
    public static string Message(ApprovalRequest request) =>
        $"McpGuard: {request.ServerName} wants to call {request.ToolName}.\n" +
        (request.Agent is { } agent ? $"Asked by: {agent}\n" : "") +
        $"Rule: {request.RuleId}{(request.Reason is { Length: > 0 } reason ? " — " + reason : "")}\n" +
        $"Arguments:\n{ArgumentsDisplay.Pretty(request.Arguments)}\n" +
        (request.Changes is { Count: > 0 } changes
            ? $"The tool's definition differs from its pin in {changes.Count} line{(changes.Count == 1 ? "" : "s")}; "
                + $"the desk and `mcpguard pin --check` show them.\n"
            : "") +
        "\nApprove this call?";
}
