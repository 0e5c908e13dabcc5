using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Relay;

/// <summary>
/// Server→client: everything passes through unchanged, except that tools/list answers lose their hidden
/// tools, answers to the guard's own requests stay with the guard, and non-JSON output is never forwarded.
/// </summary>
internal sealed partial class ServerLineHandler(RelayChannels channels, PolicyEngine engine, IAuditLog audit, ILogger logger)
{
    public async ValueTask HandleAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        if (!ServerMessageHeader.TryRead(line, out var header))
        {
            if (!IsBlank(line))
            {
                LogNonJsonOutput(logger, line.Length);
                if (logger.IsEnabled(LogLevel.Trace))
                {
                    LogNonJsonOutputSensitive(logger, Encoding.UTF8.GetString(line.Length > 4096 ? line.Slice(0, 4096) : line));
                }
            }

            return;
        }

        if (header.IsResponse && channels.AwaitingServer.TryRemove(header.Id!.Value, out var pending))
        {
            if (pending.OwnResponse is { } own)
            {
                own.TrySetResult(JsonDocument.Parse(line.ToArray()));
                return;
            }

            if (pending.Call is { } call)
            {
                RecordOutcome(call, pending.Id, header);

                // A JSON-RPC error means the tool did not run, so its counts are given back; an isError result
                // keeps them (the tool ran, maybe in part). docs/limits.md#give-back
                if (header.ErrorCode is not null && !call.Receipt.IsEmpty)
                {
                    _ = GiveBackCounts.RunAsync(engine, call.Receipt, logger);
                }
            }

            if (pending.Method == RequestMethods.ToolsList)
            {
                byte[]? rewritten;
                ToolListPage? page;
                try
                {
                    rewritten = ToolListRewriter.Rewrite(line, engine.IsHidden, out page);
                }
                catch (JsonException ex)
                {
                    // Not forwarded (it could show a hidden tool), but answered: the client must not wait forever.
                    LogUnreadableToolList(logger, ex.Message);
                    await channels.ToClient.WriteLineAsync(
                        JsonRpcMessages.Error(header.Id, McpErrorCode.InternalError.AsInt(), "McpGuard could not read the server's tools/list answer: " + ex.Message),
                        flush: false,
                        cancellationToken);
                    return;
                }

                if (page is not null)
                {
                    channels.Catalog.AddPage(page.Tools, page.IsLastPage);
                }

                if (rewritten is not null)
                {
                    await channels.ToClient.WriteLineAsync(rewritten, flush: false, cancellationToken);
                    return;
                }
            }
        }
        else if (header.IsRequest)
        {
            channels.AwaitingClient.TryAdd(new PendingRequest(header.Id!.Value, header.Method!));
        }
        else if (header.Method == NotificationMethods.ToolListChangedNotification)
        {
            channels.Catalog.MarkStale();
        }

        await channels.ToClient.WriteLineAsync(line, flush: false, cancellationToken);
    }

    private void RecordOutcome(ForwardedCall call, JsonRpcId id, ServerMessageHeader header)
    {
        var elapsed = Stopwatch.GetElapsedTime(call.StartedTimestamp);
        LogCallFinished(logger, call.ToolName, elapsed.TotalMilliseconds);
        if (audit is not NullAuditLog)
        {
            audit.TryWriteOutcome(new AuditOutcomeRecord
            {
                CallId = call.CallId,
                RequestId = id.ToJsonElement(),
                Tool = call.ToolName,
                Duration = elapsed,
                IsError = header.IsError,
                ErrorCode = header.ErrorCode,
            });
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server wrote {Length} bytes of non-JSON to stdout; not forwarded (stdout is for MCP messages; use stderr).")]
    private static partial void LogNonJsonOutput(ILogger logger, long length);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Non-JSON server output: {Text}")]
    private static partial void LogNonJsonOutputSensitive(ILogger logger, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server's tools/list answer was not forwarded: {Why}")]
    private static partial void LogUnreadableToolList(ILogger logger, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tool {ToolName} answered after {ElapsedMs:0.0} ms.")]
    private static partial void LogCallFinished(ILogger logger, string toolName, double elapsedMs);
}
