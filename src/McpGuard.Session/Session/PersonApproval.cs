using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Pins;
using McpGuard.Policy;
using McpGuard.Policy.Decide;

namespace McpGuard.Session;

/// <summary>
/// Waits for a person's answer about one held call through the approval channels (docs/approval.md), telling the
/// client meanwhile that an answer is coming. The gate has recorded the question and let later traffic pass first.
/// </summary>
/// <param name="label">What a person is shown as the server: the operator's name for it, else its command's, never
/// the server's own name (a server must not name itself to the person who approves its calls).</param>
internal sealed class PersonApproval(SessionChannels channels, IApprover approver, SessionOptions options, string label)
{
    /// <summary>The most lines of a drifted tool's diff a person is shown, so a page stays readable.</summary>
    private const int MaxPinLines = 200;

    /// <param name="canAskInBand">Whether the client can be asked with the call's answer instead (the 2026-07-28
    /// era's elicitation channel).</param>
    public async Task<ApprovalOutcome> AskAsync(
        JsonRpcId id,
        CompiledPolicy policy,
        string callId,
        ToolCall call,
        ToolRequest request,
        PolicyDecision decision,
        JsonElement parameters,
        bool canAskInBand,
        CancellationToken cancellationToken)
    {
        // The transport may tell the client at once that an answer is coming (serve: an event stream), and a client
        // that gave a progress token hears from the guard while a person decides (docs/approval.md).
        if (options.WaitsForPerson is { } waits)
        {
            await waits(id);
        }

        await using (ApprovalProgress.Start(
            parameters, call.Name, policy.Approval.Progress, channels.Clock, channels.ToClient, cancellationToken))
        {
            var question = new ApprovalRequest(
                callId,
                label,
                call.Name,
                call.Arguments,
                decision.RuleId,
                decision.Reason,
                PinChanges(policy, request, decision))
            {
                Agent = request.Agent,
                CanAskInBand = canAskInBand,
            };
            return await approver.RequestAsync(question, cancellationToken);
        }
    }

    /// <summary>
    /// What a person asked about a drifted tool is shown: its diff against the pin (capped).
    /// </summary>
    private IReadOnlyList<string>? PinChanges(CompiledPolicy policy, ToolRequest request, PolicyDecision decision)
    {
        if (!decision.RuleId.IsPin
            || !channels.Catalog.TryGetTool(request.ToolName, out var tool)
            || tool.Listed is not { } listed)
        {
            return null;
        }

        var lines = PinDiff.Lines(policy.PinnedTools?.Find(request.ToolName), listed);
        return lines.Count <= MaxPinLines
            ? lines
            : [.. lines.Take(MaxPinLines), $"… ({lines.Count - MaxPinLines} more lines: run mcpguard pin --check)"];
    }
}
