using System.Buffers;
using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Redaction;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// The result policy on the server→client path (docs/results.md): answers to tools/call, tasks/result of a judged call,
/// resources/read and prompts/get go through the policy's <c>results</c> rules. It runs in the session core, so every
/// transport (stdio, and the HTTP ones as they use this core) gets it. Under <c>--monitor</c> it reports, changes
/// nothing.
/// </summary>
internal sealed partial class ResultStage(TaskTable tasks, bool monitor, ILogger logger)
{
    public const string ResourcesRead = "resources/read";
    public const string PromptsGet = "prompts/get";
    public const string TasksResult = "tasks/result";
    public const string TasksGet = "tasks/get";
    public const string TaskNotification = TaskHandles.ModernStatusNotification;

    /// <summary>
    /// A resources/read or prompts/get answer the rules withheld: an error, since that result has no isError to carry a
    /// denial.
    /// </summary>
    public const int WithheldCode = -32003;

    /// <summary>What the rules made of <paramref name="line"/>, the answer to <paramref name="pending"/>.</summary>
    /// <param name="policy">The snapshot the whole answer is handled under.</param>
    public ResultCheck Check(ReadOnlySequence<byte> line, PendingRequest pending, CompiledPolicy policy)
    {
        if (!policy.HasResultRules)
        {
            return ResultCheck.None;
        }

        ForwardedCall? call = pending.Call;
        // A task's result is its call's: through tasks/result (2025-11-25), or inline in a completed task's tasks/get
        // (the 2026 tasks extension, which has no tasks/result).
        var taskGet = pending.Method == TasksGet;
        if (call is null && (taskGet || pending.Method == TasksResult) && pending.TaskId is { } taskId
            && tasks.TryFind(taskId, out var task))
        {
            call = task.Call;
        }
        else if (taskGet)
        {
            return ResultCheck.None;
        }

        // A resource's text and a prompt's messages reach the model as a tool's result does (docs/results.md).
        var prompt = call is null && pending.Method == PromptsGet;
        if (call is null && !prompt && pending.Method != ResourcesRead)
        {
            return ResultCheck.None;
        }

        var rules = call is null ? policy.Results : policy.ResultRulesFor(call.ToolName);
        var filtered = rules.IsEmpty
            ? FilteredResult.Untouched.Instance
            : ResultFilter.Apply(
                line,
                rules,
                prompt ? ResultShape.PromptMessages
                : call is null ? ResultShape.ResourceContents
                : taskGet ? ResultShape.TaskWithToolResult
                : ResultShape.ToolResult);
        if (filtered is FilteredResult.Untouched)
        {
            return ResultCheck.None;
        }

        var subject = call?.ToolName ?? pending.Method;
        byte[]? replacement = filtered switch
        {
            FilteredResult.Redacted redacted => redacted.Line,
            FilteredResult.Blocked blocked => Withheld(
                pending, call, taskGet, $"the result contains {blocked.Detector} (results.block)"),
            FilteredResult.TooLarge large => Withheld(
                pending,
                call,
                taskGet,
                $"the result is {large.Bytes} bytes, more than results.max_bytes ({large.Limit} bytes)"),
            _ => null,
        };
        LogResult(logger, subject, Described(filtered), MonitorNote(monitor));
        return new ResultCheck(filtered, monitor ? null : replacement, monitor);
    }

    /// <summary>
    /// A 2026 tasks-extension <c>notifications/tasks</c>: a completed task's carries its call's result inline, read
    /// with that call's rules as its <c>tasks/get</c> is. A task no judged call created is not the guard's to read.
    /// A blocked or too large one has no replacement: the caller drops it (unless <c>--monitor</c>), and the client
    /// learns the task's end from its <c>tasks/get</c>, which gets the guard's error.
    /// </summary>
    public ResultCheck CheckTaskNotification(ReadOnlySequence<byte> line, CompiledPolicy policy)
    {
        if (!policy.HasResultRules || ParamsTaskId(line) is not { } taskId || !tasks.TryFind(taskId, out var task))
        {
            return ResultCheck.None;
        }

        var rules = policy.ResultRulesFor(task.Call.ToolName);
        var filtered = rules.IsEmpty
            ? FilteredResult.Untouched.Instance
            : ResultFilter.Apply(line, rules, ResultShape.TaskNotification);
        if (filtered is FilteredResult.Untouched)
        {
            return ResultCheck.None;
        }

        LogResult(logger, task.Call.ToolName, Described(filtered), MonitorNote(monitor));
        return new ResultCheck(
            filtered, !monitor && filtered is FilteredResult.Redacted redacted ? redacted.Line : null, monitor);
    }

    /// <summary><c>params.taskId</c> of a notification, if it is a string.</summary>
    private static string? ParamsTaskId(ReadOnlySequence<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        var inParams = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var depth = reader.CurrentDepth;
            if (depth == 1)
            {
                inParams = reader.ValueTextEquals("params"u8);
            }
            else if (depth == 2 && inParams && reader.ValueTextEquals("taskId"u8))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            if (!(depth == 1 && inParams))
            {
                reader.Read();
                reader.Skip();
            }
        }

        return null;
    }

    /// <summary>
    /// The guard's denial in place of the answer; the tool ran, so its counts stay (docs/limits.md#give-back). A
    /// resource, a prompt or a task (<paramref name="taskGet"/>) has no <c>isError</c> result to carry it: an error
    /// instead.
    /// </summary>
    private static byte[] Withheld(PendingRequest pending, ForwardedCall? call, bool taskGet, string why) =>
        call is null ? JsonRpcMessages.Error(
            pending.Id,
            WithheldCode,
            $"McpGuard withheld the {(pending.Method == PromptsGet ? "prompt" : "resource")}: {why}.")
        : taskGet ? JsonRpcMessages.Error(
            pending.Id, WithheldCode, $"McpGuard withheld the task's result: the tool ran, but {why}.")
        : JsonRpcMessages.Denied(pending.Id, $"the tool ran, but {why}.", call.Era);

    /// <summary>
    /// The outcome as the log line says it: its audit word, then the matches per detector (redacted, blocked) or
    /// the size against the limit (too_large, which matches nothing).
    /// </summary>
    private static string Described(FilteredResult filtered) => filtered switch
    {
        FilteredResult.TooLarge large =>
            $"too_large ({large.Bytes} bytes, more than results.max_bytes of {large.Limit} bytes)",
        _ when filtered.Counts.Count == 0 => ResultCheck.Word(filtered),
        _ => $"{ResultCheck.Word(filtered)} ({string.Join(", ", filtered.Counts.Select(c => $"{c.Key}: {c.Value}"))})",
    };

    private static string MonitorNote(bool monitor) => monitor ? " (monitor mode: forwarded unchanged)" : "";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Result policy on the answer of {Subject}: {Outcome}{Monitor}.")]
    private static partial void LogResult(ILogger logger, string subject, string outcome, string monitor);
}
