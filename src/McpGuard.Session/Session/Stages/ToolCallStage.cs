using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// A <c>tools/call</c> request goes to the gate, which decides, counts, records and forwards or answers it. One
/// sent as a notification (no id) is refused: the gate never judges a notification, and a server might still run it.
/// </summary>
internal sealed partial class ToolCallStage(ToolCallGate gate, ILogger logger) : IMessageStage<ClientStep>
{
    public ValueTask<StageOutcome> RunAsync(ClientStep step, CancellationToken cancellationToken)
    {
        var message = step.Message;
        if (message.Method != RequestMethods.ToolsCall)
        {
            return StageOutcome.Next;
        }

        if (message.Kind == MessageKind.Request)
        {
            return GateAsync(step, cancellationToken);
        }

        if (message.Kind != MessageKind.Notification)
        {
            return StageOutcome.Next;
        }

        // ClientMessageValidator refuses these before any stage; kept so that none is ever passed on.
        LogRejected(logger, McpErrorCode.InvalidRequest.AsInt(), "tools/call without an id");
        return StageOutcome.ToClient(JsonRpcMessages.Error(
            null, McpErrorCode.InvalidRequest.AsInt(), "Invalid request: tools/call must be a request with an id."));
    }

    private async ValueTask<StageOutcome> GateAsync(ClientStep step, CancellationToken cancellationToken)
    {
        await gate.HandleAsync(step.Message, step.Line, step.Policy, step.ReadCall, cancellationToken);
        return StageOutcome.Handled;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a client line ({Code}): {Why}")]
    private static partial void LogRejected(ILogger logger, int code, string why);
}
