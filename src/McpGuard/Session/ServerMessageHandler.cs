using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Redaction;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// Server→client: everything passes through unchanged, except that tools/list answers lose their hidden tools (and,
/// with pins, tools that drifted under on_change/on_new: hide, and a positive ttlMs), answers to the guard's own
/// requests stay with the guard, and non-JSON output is never forwarded.
/// </summary>
internal sealed partial class ServerMessageHandler(
    SessionChannels channels, PolicyEngine engine, InBandApprovals inBand, PinDriftReporter drift, ResultStage results, IAuditLog audit, ILogger logger)
{
    public async ValueTask HandleAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        try
        {
            var checkedResult = ResultCheck.None;
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

            if (header.IsResponse)
            {
                if (!channels.AwaitingServer.TryRemove(header.Id!.Value, out var pending))
                {
                    // Nobody waits for it: the client cancelled that request (it must not be answered), or the server
                    // answers an id it never got. Forwarding could even show a hidden tool under a reused id.
                    LogUnawaitedResponse(logger);
                    return;
                }

                if (pending.Method == ListenStreams.Method)
                {
                    channels.ListenStreams.Close(pending.Id);
                }

                if (pending.OwnResponse is { } own)
                {
                    own.TrySetResult(JsonDocument.Parse(line.ToArray()));
                    return;
                }

                // Before the outcome is recorded, which carries what the result policy did (docs/results.md).
                checkedResult = results.Check(line, pending);

                if (pending.Call is { } call)
                {
                    if (!header.IsError && TaskHandles.TryReadCreated(line, out var taskId))
                    {
                        // The server runs the call as a task: its outcome (and any give-back) waits for the task's end.
                        channels.Tasks.Created(taskId, new TrackedTask(call, pending.Id));
                    }
                    else
                    {
                        RecordOutcome(call, pending.Id, header.IsError, header.ErrorCode, checkedResult);

                        // A JSON-RPC error means the tool did not run, so its counts are given back; an isError result
                        // keeps them (the tool ran, maybe in part). docs/limits.md#give-back
                        if (header.ErrorCode is not null)
                        {
                            GiveBack(call);
                        }
                    }

                    if (call.Era == ProtocolEra.Modern && !header.IsError && NoteServerRound(call, line))
                    {
                        // Sampling with tools under `sampling: { tools: refuse }`: the client's model is never asked.
                        await channels.ToClient.SendAsync(JsonRpcMessages.Denied(pending.Id, CallDecider.SamplingRefusedReason, ProtocolEra.Modern), flush: false, cancellationToken);
                        return;
                    }
                }

                if (pending.TaskId is { } polled)
                {
                    NoteTaskAnswer(polled, pending.Method, line, header, checkedResult);
                }

                if (ServerIdentity.IsIdentifying(pending.Method) && ServerIdentity.Read(line, pending.Method) is { } serverName)
                {
                    // Picks the vendor risk catalogue; tools listed before this (none, in practice) are classified
                    // again.
                    channels.ServerName = serverName;
                }

                if (pending.Method == RequestMethods.ToolsList)
                {
                    byte[]? rewritten;
                    ToolListPage? page;

                    // The catalog keeps every listed tool, the hidden ones too: the gate hides at call time (as for
                    // the guard's own listing), so a call to a tool cut from this page is audited as hidden.
                    var listed = new List<ListedTool>();
                    try
                    {
                        var policy = engine.Policy;
                        var judge = ToolListJudges.For(policy, channels.ServerName, hide: true, drift.Report, listed.Add);
                        rewritten = ToolListRewriter.Rewrite(line, judge, capTtl: policy.Pins is not null, out page);
                    }
                    catch (JsonException ex)
                    {
                        // Not forwarded (it could show a hidden tool), but answered: the client must not wait forever.
                        LogUnreadableToolList(logger, ex.Message);
                        await channels.ToClient.SendAsync(
                            JsonRpcMessages.Error(header.Id, McpErrorCode.InternalError.AsInt(), "McpGuard could not read the server's tools/list answer: " + ex.Message),
                            flush: false,
                            cancellationToken);
                        return;
                    }

                    if (page is not null)
                    {
                        channels.Catalog.AddPage(listed, page.IsLastPage);
                    }

                    if (rewritten is not null)
                    {
                        await channels.ToClient.SendAsync(rewritten, flush: false, cancellationToken);
                        return;
                    }
                }
            }
            else if (header.IsRequest)
            {
                var judgesPicks = false;
                if (header.Method == SamplingWithTools.Method && OffersTools(line))
                {
                    if (engine.Policy.SamplingTools == SamplingTools.Refuse)
                    {
                        // 2025 era: the server gets an error instead of the client's answer; the client is never asked.
                        LogSamplingWithToolsRefused(logger);
                        await channels.ToServer.SendAsync(JsonRpcMessages.Error(header.Id, SamplingWithTools.RefusedCode, "McpGuard: " + CallDecider.SamplingRefusedReason), flush: true, cancellationToken);
                        return;
                    }

                    // The client's answer is judged pick by pick before the server gets it (ClientMessageHandler).
                    judgesPicks = true;
                }

                channels.AwaitingClient.TryAdd(new PendingRequest(header.Id!.Value, header.Method!) { JudgesPicks = judgesPicks });
            }
            else if (header.Method == NotificationMethods.ToolListChangedNotification)
            {
                channels.Catalog.MarkStale();
            }
            else if (header.Method == TaskHandles.StatusNotification)
            {
                NoteTaskStatus(line);
            }

            if (checkedResult.Replacement is { } replacement)
            {
                await channels.ToClient.SendAsync(replacement, flush: false, cancellationToken);
                return;
            }

            await channels.ToClient.SendAsync(line, flush: false, cancellationToken);
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
    /// A modern tools/call answered <c>input_required</c> by the server itself: the client's retry (carrying the
    /// server's requestState) continues this logical call. Only answers that mention the word are parsed.
    /// </summary>
    /// <returns>True when the round asks the client's model to pick tools and the policy refuses that: the answer is
    /// replaced by a denial.</returns>
    private bool NoteServerRound(ForwardedCall call, ReadOnlySequence<byte> line)
    {
        if (!MessageSearch.Contains(line, "\"input_required\""u8))
        {
            return false;
        }

        using var document = JsonDocument.Parse(line);
        if (!document.RootElement.TryGetProperty("result"u8, out var result) || result.ValueKind != JsonValueKind.Object
            || !result.TryGetProperty("resultType"u8, out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("input_required"u8))
        {
            return false;
        }

        // The round did not run the tool, so its counts are given back: a logical call counts once, in the
        // round that the server completes (docs/limits.md#give-back, docs/relay.md#input-required-rounds).
        GiveBack(call);

        // Under the default `sampling: { tools: refuse }` a round that asks the client's model to pick tools is
        // refused here; otherwise the retry's picks are judged (ToolCallGate.Picks.cs).
        if (engine.Policy.SamplingTools == SamplingTools.Refuse && SamplingWithTools.AmongInputRequests(result))
        {
            return true;
        }

        if (result.TryGetProperty("requestState"u8, out var state) && state.ValueKind == JsonValueKind.String)
        {
            var expires = engine.TimeProvider.GetUtcNow() + engine.Policy.Approval.Timeout;
            inBand.ServerAskedFor(state.GetString()!, new RoundLink(call.CallId, call.ToolName, call.ApprovedArgumentsHash, expires));
        }

        return false;
    }

    private static bool OffersTools(ReadOnlySequence<byte> line)
    {
        if (!MessageSearch.Contains(line, "\"tools\""u8))
        {
            return false;
        }

        using var document = JsonDocument.Parse(line);
        return document.RootElement.TryGetProperty("params"u8, out var parameters) && SamplingWithTools.OffersTools(parameters);
    }

    /// <summary>
    /// The server's answer to a <c>tasks/*</c> request about a task of a judged call. <c>tasks/result</c> is the
    /// call's own final answer; <c>tasks/get</c> and <c>tasks/cancel</c> show its status.
    /// </summary>
    private void NoteTaskAnswer(string taskId, string method, ReadOnlySequence<byte> line, ServerMessageHeader header, ResultCheck checkedResult)
    {
        if (method == ResultStage.TasksResult)
        {
            // An error here is the call's own JSON-RPC error (it did not complete): as for a plain call, given back.
            FinishTask(taskId, header.IsError ? "failed" : "completed", header.IsError, header.ErrorCode, giveBack: header.ErrorCode is not null, checkedResult);
            return;
        }

        if (header.IsError || line.Length > TaskHandles.LargestHandle)
        {
            return;
        }

        using var document = JsonDocument.Parse(line);
        if (document.RootElement.TryGetProperty("result"u8, out var result) && TaskHandles.TryReadTask(result, out var id, out var status) && id == taskId)
        {
            NoteStatus(taskId, status);
        }
    }

    private void NoteTaskStatus(ReadOnlySequence<byte> line)
    {
        if (line.Length > TaskHandles.LargestHandle)
        {
            return;
        }

        using var document = JsonDocument.Parse(line);
        if (document.RootElement.TryGetProperty("params"u8, out var parameters) && TaskHandles.TryReadTask(parameters, out var taskId, out var status))
        {
            NoteStatus(taskId, status);
        }
    }

    /// <summary>
    /// A final status ends the task's call: completed and failed keep its counts (the tool ran, maybe in part),
    /// cancelled gives them back (docs/limits.md#give-back).
    /// </summary>
    private void NoteStatus(string taskId, string? status)
    {
        if (TaskHandles.IsFinal(status))
        {
            FinishTask(taskId, status!, isError: status != "completed", errorCode: null, giveBack: status == "cancelled");
        }
    }

    private void FinishTask(string taskId, string status, bool isError, long? errorCode, bool giveBack, ResultCheck? checkedResult = null)
    {
        if (!channels.Tasks.TryFinish(taskId, out var task))
        {
            return;
        }

        RecordOutcome(task.Call, task.RequestId, isError, errorCode, checkedResult ?? ResultCheck.None, status);
        if (giveBack)
        {
            GiveBack(task.Call);
        }
    }

    private void GiveBack(ForwardedCall call)
    {
        if (!call.Receipt.IsEmpty)
        {
            channels.Background.Run(() => GiveBackCounts.RunAsync(engine, call.Receipt, logger));
        }
    }

    private void RecordOutcome(ForwardedCall call, JsonRpcId id, bool isError, long? errorCode, ResultCheck checkedResult, string? taskStatus = null)
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
                IsError = isError,
                ErrorCode = errorCode,
                TaskStatus = taskStatus,
                Agent = call.Agent,
                Results = checkedResult.Filtered is FilteredResult.Untouched
                    ? null
                    : new AuditResultPolicy(ResultCheck.Word(checkedResult.Filtered), checkedResult.Filtered.Counts, checkedResult.Monitor),
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server wrote {Length} bytes to stdout that are not a JSON-RPC message; not forwarded (stdout is for MCP messages; use stderr).")]
    private static partial void LogNonJsonOutput(ILogger logger, long length);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Non-JSON server output: {Text}")]
    private static partial void LogNonJsonOutputSensitive(ILogger logger, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused the server's sampling request with tools (the tools the model picks would run unjudged).")]
    private static partial void LogSamplingWithToolsRefused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped a server answer to a request nobody waits for (cancelled by the client, or never sent).")]
    private static partial void LogUnawaitedResponse(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server's tools/list answer was not forwarded: {Why}")]
    private static partial void LogUnreadableToolList(ILogger logger, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tool {ToolName} answered after {ElapsedMs:0.0} ms.")]
    private static partial void LogCallFinished(ILogger logger, string toolName, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "A message from the server could not be handled; the session goes on.")]
    private static partial void LogMessageFailed(ILogger logger, Exception exception);
}
