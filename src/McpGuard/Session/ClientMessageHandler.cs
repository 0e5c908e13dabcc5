using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>Client→server: validate strictly, refuse what fails, judge tools/call, forward the judged bytes.</summary>
internal sealed partial class ClientMessageHandler(SessionChannels channels, ToolCallGate gate, ILogger logger)
{
    public async ValueTask HandleAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        try
        {
            using var message = ClientMessageValidator.Validate(line, out var rejection);
            if (message is null)
            {
                if (rejection is not null)
                {
                    LogRejected(logger, rejection.Code, rejection.Message);
                    await channels.ToClient.SendAsync(JsonRpcMessages.Error(rejection.Id, rejection.Code, rejection.Message), flush: true, cancellationToken);
                }

                return;
            }

            if (message.Kind == MessageKind.Request && !gate.JudgesPicks && MessageSearch.Contains(line, "\"sampling\""u8)
                && SamplingToolsCapability.Strip(message.Document.RootElement) is { } stripped)
            {
                // Forwarded without the client's sampling.tools capability (the rest as parsed), and judged as is.
                line = new ReadOnlySequence<byte>(stripped);
            }

            switch (message.Kind)
            {
                case MessageKind.Request:
                    var id = message.Id!.Value;
                    var taskId = TaskHandles.Named(message.Method!, message.Params);
                    if (taskId is not null && !channels.Tasks.Knows(taskId))
                    {
                        // No judged call of this session created it: it may be anyone's, so it is not reached through
                        // us.
                        LogUnknownTask(logger);
                        await channels.ToClient.SendAsync(
                            JsonRpcMessages.Error(id, ModelContextProtocol.McpErrorCode.InvalidParams.AsInt(), $"Unknown task: {taskId}"), flush: true, cancellationToken);
                        return;
                    }

                    if (taskId is not null && PickedTool.InInputResponses(message.Params) is { Count: > 0 } picks
                        && await gate.JudgePicksAsync(picks, id, cancellationToken) is PicksOutcome.Refused refusedPicks)
                    {
                        // A task's input responses (tasks/update) carrying the model's picks: the server would run
                        // them.
                        await channels.ToClient.SendAsync(
                            JsonRpcMessages.Error(id, SamplingWithTools.RefusedCode, "McpGuard: " + refusedPicks.Reason), flush: true, cancellationToken);
                        return;
                    }

                    if (!channels.AwaitingServer.TryAdd(new PendingRequest(id, message.Method!) { TaskId = taskId }))
                    {
                        LogDuplicateId(logger);
                        await channels.ToClient.SendAsync(
                            JsonRpcMessages.Error(id, ModelContextProtocol.McpErrorCode.InvalidRequest.AsInt(), "Invalid request: a request with this id is already in flight."),
                            flush: true,
                            cancellationToken);
                        return;
                    }

                    channels.Spans?.Started(id, message.Method!, message.Params);
                    if (message.Method == RequestMethods.Initialize)
                    {
                        // Only a 2025-era client can be sent elicitation/create. A 2026-07-28 client declares its
                        // capabilities on each request, and the gate asks it in band (input_required) instead.
                        channels.ClientSupportsElicitation = DeclaresFormElicitation(message.Params);
                        channels.ClientInitialized = true;
                    }

                    if (message.Method == ListenStreams.Method)
                    {
                        channels.ListenStreams.Open(id, message.Params);
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
                    await channels.ToClient.SendAsync(
                        JsonRpcMessages.Error(null, ModelContextProtocol.McpErrorCode.InvalidRequest.AsInt(), "Invalid request: tools/call must be a request with an id."),
                        flush: true,
                        cancellationToken);
                    return;

                case MessageKind.Notification when message.Method == NotificationMethods.CancelledNotification:
                    if (message.Params.ValueKind == JsonValueKind.Object &&
                        message.Params.TryGetProperty("requestId"u8, out var requestId) &&
                        JsonRpcId.FromElement(requestId) is { } cancelled)
                    {
                        // The request is over for the client: it leaves the table at once, so nothing (not a late
                        // answer of the server, not the shutdown) ever answers it.
                        gate.Withdraw(cancelled);
                        channels.AwaitingServer.TryWithdraw(cancelled, out _);
                        channels.ListenStreams.Close(cancelled);
                    }

                    break;

                case MessageKind.Response:
                    if (!channels.AwaitingClient.TryRemove(message.Id!.Value, out var pending))
                    {
                        break;
                    }

                    if (pending.OwnResponse is { } own)
                    {
                        // An answer to the guard's own question (elicitation): it is the guard's, never the server's.
                        own.TrySetResult(JsonDocument.Parse(line.ToArray()));
                        return;
                    }

                    if (pending.JudgesPicks && await JudgePicksAsync(message, cancellationToken) is PicksOutcome.Refused refused)
                    {
                        // 2025 era: the server gets an error instead of the answer, so it never runs the refused pick.
                        await channels.ToServer.SendAsync(
                            JsonRpcMessages.Error(pending.Id, SamplingWithTools.RefusedCode, "McpGuard: " + refused.Reason), flush: true, cancellationToken);
                        return;
                    }

                    break;
            }

            await channels.ToServer.SendAsync(line, flush: false, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // One bad message never stops the session (docs/relay.md#flow-control-and-memory).
            LogMessageFailed(logger, ex);
        }
    }

    /// <summary>
    /// The client's answer to a server's sampling request that offered tools: every tool_use in it is judged.
    /// </summary>
    private ValueTask<PicksOutcome> JudgePicksAsync(ClientMessage answer, CancellationToken cancellationToken)
    {
        var picks = new List<PickedTool>();
        if (answer.Document.RootElement.TryGetProperty("result"u8, out var result))
        {
            PickedTool.AddFromResult(result, picks);
        }

        return picks.Count == 0 ? ValueTask.FromResult<PicksOutcome>(PicksOutcome.Allowed.Instance) : gate.JudgePicksAsync(picks, answer.Id!.Value, cancellationToken);
    }

    /// <summary>
    /// <c>elicitation: {}</c> (2025-06-18) or with <c>form</c> (2025-11-25); a client offering only <c>url</c>
    /// mode cannot show the approval question.
    /// </summary>
    /// <remarks>
    /// Clients of the 2026-07-28 protocol send no initialize: every request carries its capabilities in
    /// <c>params._meta["io.modelcontextprotocol/clientCapabilities"]</c>, which the gate reads per call.
    /// </remarks>
    internal static bool DeclaresFormElicitation(JsonElement parameters)
    {
        if (!HasMetaCapabilities(parameters, out var capabilities) &&
            !(parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("capabilities"u8, out capabilities)))
        {
            return false;
        }

        return capabilities.ValueKind == JsonValueKind.Object
            && capabilities.TryGetProperty("elicitation"u8, out var elicitation) && elicitation.ValueKind == JsonValueKind.Object
            && (elicitation.TryGetProperty("form"u8, out _) || !elicitation.TryGetProperty("url"u8, out _));
    }

    private static bool HasMetaCapabilities(JsonElement parameters, out JsonElement capabilities)
    {
        capabilities = default;
        return parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("_meta"u8, out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("io.modelcontextprotocol/clientCapabilities"u8, out capabilities);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a client line ({Code}): {Why}")]
    private static partial void LogRejected(ILogger logger, int code, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a tasks/* request for a task no judged call of this session created.")]
    private static partial void LogUnknownTask(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a client request whose id is already in flight.")]
    private static partial void LogDuplicateId(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "A message from the client could not be handled; the session goes on.")]
    private static partial void LogMessageFailed(ILogger logger, Exception exception);
}
