using System.Buffers;
using System.Text;
using McpGuard.Policy;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// Server→client: non-JSON output is never forwarded; every JSON-RPC message runs through the server stages
/// (<see cref="SessionStages"/>) in order, under one policy snapshot, and what passes them all goes to the client
/// unchanged (or as the result policy replaced it).
/// </summary>
internal sealed partial class ServerMessageHandler(
    SessionChannels channels, PolicyEngine engine, IMessageStage<ServerStep>[] stages, ILogger logger)
{
    private readonly ServerStep _step = new();

    public ValueTask HandleAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        if (ServerMessageHeader.TryRead(line, out var header))
        {
            return HandleAsync(header, line, cancellationToken);
        }

        NonJson(line);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A message whose <paramref name="header"/> was read already (by the reader above, or by its transport).
    /// </summary>
    public async ValueTask HandleAsync(
        ServerMessageHeader header, ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        try
        {
            // The one read of the policy for this message: every stage decides under it.
            _step.Start(line, header, engine.Policy);
            try
            {
                await RunStagesAsync(cancellationToken);
            }
            finally
            {
                _step.Clear();
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
                    // Sent with the rest of the server's batch (ServerBatchEndedAsync flushes).
                    await channels.AnswerClientAsync(
                        _step.Pending, _step.Header, outcome.Message!, flush: false, cancellationToken);
                    return;
                case StageAction.ToServer:
                    await channels.ToServer.SendAsync(outcome.Message!, flush: true, cancellationToken);
                    return;
                default:
                    return;
            }
        }

        if (_step.Checked.Replacement is { } replacement)
        {
            await channels.AnswerClientAsync(
                _step.Pending, _step.Header, replacement, flush: false, cancellationToken);
            return;
        }

        // The answer to a client request (or a server request or notification, which answers none).
        await channels.PassToClientAsync(
            _step.Pending, _step.Header, _step.AnsweredAt, _step.Line, flush: false, cancellationToken);
    }

    private void NonJson(ReadOnlySequence<byte> line)
    {
        if (IsBlank(line))
        {
            return;
        }

        LogNonJsonOutput(logger, line.Length);
        if (logger.IsEnabled(LogLevel.Trace))
        {
            LogNonJsonOutputSensitive(logger, Encoding.UTF8.GetString(line.Length > 4096 ? line.Slice(0, 4096) : line));
        }
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            if (!segment.Span.TrimStart(" \t\r"u8).IsEmpty)
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server wrote {Length} bytes to stdout that are not a "
        + "JSON-RPC message; not forwarded (stdout is for MCP messages; use stderr).")]
    private static partial void LogNonJsonOutput(ILogger logger, long length);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Non-JSON server output: {Text}")]
    private static partial void LogNonJsonOutputSensitive(ILogger logger, string text);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "A message from the server could not be handled ({Kind}: {Reason}); the session goes on.")]
    private static partial void LogMessageFailed(ILogger logger, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Why the server's message could not be handled.")]
    private static partial void LogMessageFailedTrace(ILogger logger, Exception exception);
}
