using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace McpGuard.Relay;

/// <summary>Client→server: validate strictly, refuse what fails, judge tools/call, forward the judged bytes.</summary>
internal sealed partial class ClientLineHandler(RelayChannels channels, ToolCallGate gate, ILogger logger)
{
    public async ValueTask HandleAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        using var message = ClientMessageValidator.Validate(line, out var rejection);
        if (message is null)
        {
            if (rejection is not null)
            {
                LogRejected(logger, rejection.Code, rejection.Message);
                await channels.ToClient.WriteLineAsync(JsonRpcMessages.Error(rejection.Id, rejection.Code, rejection.Message), flush: false, cancellationToken);
            }

            return;
        }

        switch (message.Kind)
        {
            case MessageKind.Request:
                var id = message.Id!.Value;
                if (!channels.ClientRequests.TryAdd(new PendingRequest(id, message.Method!)))
                {
                    LogDuplicateId(logger);
                    await channels.ToClient.WriteLineAsync(
                        JsonRpcMessages.Error(id, ModelContextProtocol.McpErrorCode.InvalidRequest.AsInt(), "Invalid request: a request with this id is already in flight."),
                        flush: false,
                        cancellationToken);
                    return;
                }

                if (message.Method == RequestMethods.ToolsCall)
                {
                    await gate.HandleAsync(message, line, cancellationToken);
                    return;
                }

                break;

            case MessageKind.Notification when message.Method == RequestMethods.ToolsCall:
                // Without an id it would be a notification the gate never judges; a server may still run it.
                LogRejected(logger, ModelContextProtocol.McpErrorCode.InvalidRequest.AsInt(), "tools/call without an id");
                await channels.ToClient.WriteLineAsync(
                    JsonRpcMessages.Error(null, ModelContextProtocol.McpErrorCode.InvalidRequest.AsInt(), "Invalid request: tools/call must be a request with an id."),
                    flush: false,
                    cancellationToken);
                return;

            case MessageKind.Notification when message.Method == NotificationMethods.CancelledNotification:
                if (message.Params.ValueKind == JsonValueKind.Object &&
                    message.Params.TryGetProperty("requestId"u8, out var requestId) &&
                    JsonRpcId.FromElement(requestId) is { } cancelled)
                {
                    gate.Withdraw(cancelled);
                }

                break;

            case MessageKind.Response:
                if (channels.ServerRequests.TryRemove(message.Id!.Value, out var pending) && pending.OwnResponse is { } own)
                {
                    // An answer to the guard's own question (elicitation): it is the guard's, never the server's.
                    own.TrySetResult(JsonDocument.Parse(line.ToArray()));
                    return;
                }

                break;
        }

        await channels.ToServer.WriteLineAsync(line, flush: false, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a client line ({Code}): {Why}")]
    private static partial void LogRejected(ILogger logger, int code, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a client request whose id is already in flight.")]
    private static partial void LogDuplicateId(ILogger logger);
}
