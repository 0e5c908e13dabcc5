using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// Unless the policy judges the model's picks (<c>sampling: { tools: judge }</c>), a request is forwarded without
/// the client's <c>sampling.tools</c> capability, so a server never asks the model to pick tools the guard cannot
/// judge (docs/relay.md#tasks-and-sampling-with-tools). Only requests that mention "sampling" are parsed for it.
/// </summary>
internal sealed class SamplingCapabilityStage : IMessageStage<ClientStep>
{
    public ValueTask<StageOutcome> RunAsync(ClientStep step, CancellationToken cancellationToken)
    {
        if (step.Message.Kind == MessageKind.Request && !PickJudge.JudgesPicks(step.Policy)
            && MessageSearch.Contains(step.Line, "\"sampling\""u8)
            && SamplingToolsCapability.Strip(step.Message.Document.RootElement) is { } stripped)
        {
            // Forwarded without it (the rest as parsed), and judged as is.
            step.Line = new ReadOnlySequence<byte>(stripped);
        }

        return StageOutcome.Next;
    }
}
