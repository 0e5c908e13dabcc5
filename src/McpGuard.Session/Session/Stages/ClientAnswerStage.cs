using System.Buffers;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The client's answer to a request sent to it: an answer to the guard's own question (elicitation) stays with the
/// guard; an answer to a server's sampling request that offered tools has every tool_use judged (2025 era), and one
/// refused pick gives the server an error instead, so it never runs it. Other answers are forwarded.
/// </summary>
internal sealed class ClientAnswerStage(SessionChannels channels, ToolCallGate gate) : IMessageStage<ClientStep>
{
    public ValueTask<StageOutcome> RunAsync(ClientStep step, CancellationToken cancellationToken)
    {
        var message = step.Message;
        if (message.Kind != MessageKind.Response
            || !channels.AwaitingClient.TryRemove(message.Id!.Value, out var pending))
        {
            return StageOutcome.Next;
        }

        if (pending.OwnResponse is { } own)
        {
            // It is the guard's, never the server's.
            own.TrySetResult(JsonDocument.Parse(step.Line.ToArray()));
            return StageOutcome.Handled;
        }

        return pending.JudgesPicks ? JudgePicksAsync(step, pending, cancellationToken) : StageOutcome.Next;
    }

    private async ValueTask<StageOutcome> JudgePicksAsync(
        ClientStep step, PendingRequest pending, CancellationToken cancellationToken)
    {
        var picks = new List<PickedTool>();
        if (step.Message.Document.RootElement.TryGetProperty("result"u8, out var result))
        {
            PickedTool.AddFromResult(result, picks);
        }

        if (picks.Count > 0
            && await gate.JudgePicksAsync(picks, step.Message.Id!.Value, step.Policy, cancellationToken)
                is PicksOutcome.Refused refused)
        {
            return StageOutcome.ToServer(
                JsonRpcMessages.Error(pending.Id, SamplingWithTools.RefusedCode, "McpGuard: " + refused.Reason));
        }

        return StageOutcome.Next;
    }
}
