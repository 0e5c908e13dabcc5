using System.Buffers;
using McpGuard.Policy;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// Client→server: validate strictly and refuse what fails; then the client stages (<see cref="SessionStages"/>)
/// in order, under one policy snapshot; what passes them all is forwarded as judged.
/// </summary>
internal sealed partial class ClientMessageHandler(
    SessionChannels channels, PolicyEngine engine, IMessageStage<ClientStep>[] stages, ILogger logger)
{
    private readonly ClientStep _step = new();

    public ValueTask HandleAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken) =>
        HandleAsync(null, line, cancellationToken);

    /// <param name="validated">The line's parse when its transport validated it already (an HTTP POST is checked
    /// before it is routed), the caller's to dispose; null to validate it here.</param>
    public async ValueTask HandleAsync(
        ClientMessage? validated, ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        try
        {
            var message = validated;
            if (message is null)
            {
                var check = ClientMessageValidator.Validate(line);
                if (check.Refused(out var rejection))
                {
                    LogRejected(logger, rejection.Code, rejection.Message);
                    var error = JsonRpcMessages.Error(rejection.Id, rejection.Code, rejection.Message);
                    await channels.ToClient.SendAsync(error, flush: true, cancellationToken);
                    return;
                }

                if (!check.Accepted(out message))
                {
                    return; // a blank line: ignored
                }
            }

            try
            {
                // The one read of the policy for this message: every stage, and the gate, decide under it.
                _step.Start(message, line, engine.Policy);
                await RunStagesAsync(cancellationToken);
            }
            finally
            {
                _step.Clear();
                if (validated is null)
                {
                    message.Dispose();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // One bad message never stops the session (docs/relay.md#flow-control-and-memory).
            // One line at the default level (docs/relay.md: never a stack trace on stderr); the trace at debug.
            LogMessageFailed(logger, ex.GetType().Name, TerminalText.FirstLine(ex.Message));
            LogMessageFailedTrace(logger, ex);
        }
    }

    private async ValueTask RunStagesAsync(CancellationToken cancellationToken)
    {
        foreach (var stage in stages)
        {
            var outcome = await stage.RunAsync(_step, cancellationToken);
            switch (outcome.Action)
            {
                case StageAction.Next:
                    continue;
                case StageAction.ToClient:
                    // The client pump batches only towards the server: an answer to the client goes out at once.
                    await channels.ToClient.SendAsync(outcome.Message!, flush: true, cancellationToken);
                    return;
                case StageAction.ToServer:
                    await channels.ToServer.SendAsync(outcome.Message!, flush: true, cancellationToken);
                    return;
                default:
                    return;
            }
        }

        // A request is forwarded with its entry in the table (RequestIdStage), so telemetry looks nothing up.
        await channels.ForwardAsync(_step.Pending, _step.Line, flush: false, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a client line ({Code}): {Why}")]
    private static partial void LogRejected(ILogger logger, int code, string why);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "A message from the client could not be handled ({Kind}: {Reason}); the session goes on.")]
    private static partial void LogMessageFailed(ILogger logger, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Why the client's message could not be handled.")]
    private static partial void LogMessageFailedTrace(ILogger logger, Exception exception);
}
