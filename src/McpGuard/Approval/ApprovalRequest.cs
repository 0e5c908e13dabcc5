using System.Text.Json;

namespace McpGuard.Approval;

/// <summary>One call waiting for a person: what they are shown.</summary>
internal sealed record ApprovalRequest(string CallId, string ServerName, string ToolName, JsonElement Arguments, string RuleId, string? Reason);
