using McpGuard.Approval;

namespace McpGuard.Session;

/// <summary>The session's approver, telling the spans which channel answered each call it asked about.</summary>
internal sealed class TracedApprover(IApprover inner, RequestSpans spans) : IApprover
{
    public async Task<ApprovalOutcome> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        var outcome = await inner.RequestAsync(request, cancellationToken);
        spans.Asked(request.CallId, outcome.AsksInBand ? "elicitation" : outcome.Channel);
        return outcome;
    }
}
