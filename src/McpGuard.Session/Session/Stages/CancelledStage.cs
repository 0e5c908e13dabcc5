using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// <c>notifications/cancelled</c>: the request is over for the client. It leaves the table at once, so nothing (not
/// a late answer of the server, not the shutdown) ever answers it; a held call is withdrawn, a listen stream closes.
/// A tools/call already forwarded gets its outcome record now (docs/audit.md#outcome). A request that went to the
/// server is remembered until its late answer (<see cref="WithdrawnRequests"/>). The notification itself is
/// forwarded.
/// </summary>
internal sealed class CancelledStage(SessionChannels channels, ToolCallGate gate, CallOutcomes outcomes)
    : IMessageStage<ClientStep>
{
    public ValueTask<StageOutcome> RunAsync(ClientStep step, CancellationToken cancellationToken)
    {
        var message = step.Message;
        if (message.Kind == MessageKind.Notification && message.Method == NotificationMethods.CancelledNotification
            && message.Params.ValueKind == JsonValueKind.Object
            && message.Params.TryGetProperty("requestId"u8, out var requestId)
            && JsonRpcId.FromElement(requestId) is { } cancelled)
        {
            gate.Withdraw(cancelled);
            if (channels.AwaitingServer.TryWithdraw(cancelled, out var withdrawn))
            {
                var forwarded = withdrawn.Withdraw();
                if (forwarded is not null)
                {
                    outcomes.RecordCancelled(forwarded, cancelled);
                }

                // A tools/call the guard was still deciding (or holding for a person) is never sent: no late answer.
                if (forwarded is not null || withdrawn.Method != RequestMethods.ToolsCall)
                {
                    channels.Withdrawn.Add(cancelled, forwarded);
                }
            }

            channels.ListenStreams.Close(cancelled);
            channels.Spans?.Cancelled(cancelled);
        }

        return StageOutcome.Next;
    }
}
