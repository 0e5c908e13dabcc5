using McpGuard.Redaction;

namespace McpGuard.Session;

/// <summary>
/// The result policy on an answer (docs/results.md, <see cref="ResultStage"/>), before the call's outcome is
/// recorded, since the record carries what the rules did. A replacement is sent after the last stage.
/// </summary>
internal sealed class ResultPolicyStage(ResultStage results) : IMessageStage<ServerStep>
{
    public ValueTask<StageOutcome> RunAsync(ServerStep step, CancellationToken cancellationToken)
    {
        if (step.Pending is { } pending)
        {
            step.Checked = results.Check(step.Line, pending, step.Policy);
        }
        else if (step.Header.Method == ResultStage.TaskNotification && !step.Header.IsRequest
            && !step.Header.IsResponse)
        {
            // A completed task's status notification carries the call's result (the 2026 tasks extension).
            step.Checked = results.CheckTaskNotification(step.Line, step.Policy);
            if (!step.Checked.Monitor && step.Checked.Filtered is FilteredResult.Blocked or FilteredResult.TooLarge)
            {
                return StageOutcome.Handled;
            }
        }

        return StageOutcome.Next;
    }
}
