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

        return StageOutcome.Next;
    }
}
