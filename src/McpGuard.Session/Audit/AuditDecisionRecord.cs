using System.Text.Json;
using McpGuard.Policy.Decide;

namespace McpGuard.Audit;

/// <summary>
/// One decision about one <c>tools/call</c>. The <see cref="JsonElement"/> members are read only during the
/// <see cref="IAuditLog.TryWriteDecision"/> call, so they may belong to a document that is disposed afterwards.
/// </summary>
internal sealed record AuditDecisionRecord
{
    /// <summary>
    /// From <see cref="IAuditLog.NewCallId"/>; the same id links the outcome and any approval records.
    /// </summary>
    public required string CallId { get; init; }

    /// <summary>The JSON-RPC id exactly as the client sent it (string or number); written verbatim.</summary>
    public required JsonElement RequestId { get; init; }

    /// <summary>The tool name as judged; null only for an invalid call whose name is not a string.</summary>
    public string? Tool { get; init; }

    public required CallVerdict Decision { get; init; }

    /// <summary>
    /// Who asked (docs/serve.md: the token's agent); null for <c>run</c>, whose records say nothing new here.
    /// </summary>
    public string? Agent { get; init; }

    /// <summary>Which part of the policy decided (<see cref="McpGuard.Policy.PolicyDecision.RuleId"/>).</summary>
    public string? RuleId { get; init; }

    /// <summary>What the client was told (denials) or the approver was shown.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// The operator's part behind the reason (<see cref="McpGuard.Policy.PolicyDecision.Detail"/>); never sent to the
    /// client.
    /// </summary>
    public string? Detail { get; init; }

    /// <summary>The tool's risk class (read, write, destructive, critical, unknown), if known.</summary>
    public string? Risk { get; init; }

    /// <summary>The call's <c>arguments</c>, if present; written according to the log's arguments mode.</summary>
    public JsonElement? Arguments { get; init; }

    /// <summary>True when the guard runs with <c>--monitor</c>: the decision was recorded but not enforced.</summary>
    public bool Monitor { get; init; }

    /// <summary>
    /// True when the "call" is a tool the client's model picked in a sampling answer (<c>sampling: { tools: judge
    /// }</c>): judged like a tools/call, but never sent as one (docs/audit.md).
    /// </summary>
    public bool Sampled { get; init; }
}
