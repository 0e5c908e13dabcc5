using System.Buffers;
using McpGuard.Policy;
using McpGuard.Redaction;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// The result policy on the server→client path (docs/results.md): answers to tools/call, tasks/result of a judged call,
/// and resources/read go through the policy's <c>results</c> rules. It runs in the session core, so every transport
/// (stdio, and the HTTP ones as they use this core) gets it. Under <c>--monitor</c> it reports, changes nothing.
/// </summary>
internal sealed partial class ResultStage(TaskTable tasks, bool monitor, ILogger logger)
{
    public const string ResourcesRead = "resources/read";
    public const string TasksResult = "tasks/result";

    /// <summary>
    /// A resources/read answer the rules withheld: an error, since that result has no isError to carry a denial.
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
        if (call is null && pending.Method == TasksResult && pending.TaskId is { } taskId && tasks.TryFind(taskId, out var task))
        {
            call = task.Call;
        }

        if (call is null && pending.Method != ResourcesRead)
        {
            return ResultCheck.None;
        }

        var rules = call is null ? policy.Results : policy.ResultRulesFor(call.ToolName);
        var filtered = rules.IsEmpty
            ? FilteredResult.Untouched.Instance
            : ResultFilter.Apply(line, rules, call is null ? ResultShape.ResourceContents : ResultShape.ToolResult);
        if (filtered is FilteredResult.Untouched)
        {
            return ResultCheck.None;
        }

        var subject = call?.ToolName ?? ResourcesRead;
        byte[]? replacement = filtered switch
        {
            FilteredResult.Redacted redacted => redacted.Line,
            FilteredResult.Blocked blocked => Withheld(pending, call, $"the result contains {blocked.Detector} (results.block)"),
            FilteredResult.TooLarge large => Withheld(pending, call, $"the result is {large.Bytes} bytes, more than results.max_bytes ({large.Limit} bytes)"),
            _ => null,
        };
        LogResult(logger, subject, ResultCheck.Word(filtered), string.Join(", ", filtered.Counts.Select(c => $"{c.Key}: {c.Value}")), monitor);
        return new ResultCheck(filtered, monitor ? null : replacement, monitor);
    }

    /// <summary>
    /// The guard's denial in place of the answer; the tool ran, so its counts stay (docs/limits.md#give-back).
    /// </summary>
    private static byte[] Withheld(PendingRequest pending, ForwardedCall? call, string why) => call is null
        ? JsonRpcMessages.Error(pending.Id, WithheldCode, $"McpGuard withheld the resource: {why}.")
        : JsonRpcMessages.Denied(pending.Id, $"the tool ran, but {why}.", call.Era);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Result policy on the answer of {Subject}: {Outcome} ({Matches}) (monitor mode: {Monitor}).")]
    private static partial void LogResult(ILogger logger, string subject, string outcome, string matches, bool monitor);
}
