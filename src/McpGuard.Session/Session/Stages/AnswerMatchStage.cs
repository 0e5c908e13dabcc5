using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// An answer is matched to the request it answers, which leaves the table. Nobody waits for it: dropped (the client
/// cancelled that request, or the server answers an id it never got; forwarding could even show a hidden tool under
/// a reused id); a cancelled tools/call's late answer is recorded (docs/audit.md#late_answer). An answer to the
/// guard's own request stays with the guard. The answer to a listen request ends that stream.
/// </summary>
internal sealed partial class AnswerMatchStage(SessionChannels channels, CallOutcomes outcomes, ILogger logger)
    : IMessageStage<ServerStep>
{
    public ValueTask<StageOutcome> RunAsync(ServerStep step, CancellationToken cancellationToken)
    {
        if (!step.Header.IsResponse)
        {
            return StageOutcome.Next;
        }

        // Taken with its entry in hand: the answer sent after the last stage ends the request's spans by it.
        if (!channels.AwaitingServer.TryTake(step.Header.Id!.Value, out var pending))
        {
            // A cancelled request's late answer frees its id for a new request; a tools/call's is recorded.
            if (channels.Withdrawn.TryTake(step.Header.Id!.Value, out var withdrawn) && withdrawn.Call is { } call)
            {
                outcomes.RecordLateAnswer(call, withdrawn.Id, step.Header.IsError, step.Header.ErrorCode);
            }

            LogUnawaitedResponse(logger);
            return StageOutcome.Handled;
        }

        if (pending.Method == ListenStreams.Method)
        {
            channels.ListenStreams.Close(pending.Id);
        }

        if (pending.OwnResponse is { } own)
        {
            own.TrySetResult(JsonDocument.Parse(step.Line.ToArray()));
            return StageOutcome.Handled;
        }

        step.Pending = pending;
        return StageOutcome.Next;
    }

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Dropped a server answer to a request nobody waits for (cancelled by the client, or never sent).")]
    private static partial void LogUnawaitedResponse(ILogger logger);
}
