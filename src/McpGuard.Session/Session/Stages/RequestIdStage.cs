using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace McpGuard.Session;

/// <summary>
/// Every client request enters the table of requests awaiting the server, under its id: a second request with an
/// id already in flight is refused (the first is still answered once), and so is one on the id of a cancelled request
/// the server may still answer (<see cref="WithdrawnRequests"/>). Its telemetry span starts here.
/// </summary>
internal sealed partial class RequestIdStage(SessionChannels channels, ILogger logger) : IMessageStage<ClientStep>
{
    public ValueTask<StageOutcome> RunAsync(ClientStep step, CancellationToken cancellationToken)
    {
        var message = step.Message;
        if (message.Kind != MessageKind.Request)
        {
            return StageOutcome.Next;
        }

        var id = message.Id!.Value;
        var pending = new PendingRequest(id, message.Method!) { TaskId = step.TaskId };
        if (channels.Withdrawn.Contains(id))
        {
            // The server may still answer the cancelled request of this id: that answer would pass for this one's.
            LogWithdrawnId(logger);
            const string Why = "Invalid request: this id is a cancelled request's, which the server may still answer; "
                + "use a new id.";
            return StageOutcome.ToClient(JsonRpcMessages.Error(id, McpErrorCode.InvalidRequest.AsInt(), Why));
        }

        if (!channels.AwaitingServer.TryAdd(pending))
        {
            LogDuplicateId(logger);
            const string Why = "Invalid request: a request with this id is already in flight.";
            return StageOutcome.ToClient(JsonRpcMessages.Error(id, McpErrorCode.InvalidRequest.AsInt(), Why));
        }

        step.ReadCall = channels.Spans?.Started(pending, message.Params);
        step.Pending = pending;
        return StageOutcome.Next;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a client request whose id is already in flight.")]
    private static partial void LogDuplicateId(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refused a client request on the id of a cancelled request the server may still answer.")]
    private static partial void LogWithdrawnId(ILogger logger);
}
