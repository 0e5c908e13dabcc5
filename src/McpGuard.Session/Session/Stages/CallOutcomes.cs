using System.Diagnostics;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Redaction;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// The end of a forwarded call, as the server reports it (its answer, or its task's end): the outcome record, and
/// the give-back of its counts when the tool did not run (docs/limits.md#give-back). Shared by the stages that see
/// a call end: <see cref="CallOutcomeStage"/>, <see cref="TaskAnswerStage"/>, <see cref="TaskStatusStage"/>.
/// </summary>
internal sealed partial class CallOutcomes(
    SessionChannels channels, PolicyEngine engine, IAuditLog audit, ILogger logger)
{
    /// <summary>Gives the call's counts back, in the session's background work (a durable store may be slow).</summary>
    public void GiveBack(ForwardedCall call)
    {
        if (!call.Receipt.IsEmpty)
        {
            channels.Background.Run(() => GiveBackCounts.RunAsync(engine, call.Receipt, logger));
        }
    }

    /// <summary>
    /// A final status ends the task's call: completed and failed keep its counts (the tool ran, maybe in part),
    /// cancelled gives them back.
    /// </summary>
    public void NoteTaskStatus(string taskId, string? status, ResultCheck? checkedResult = null)
    {
        if (TaskHandles.IsFinal(status))
        {
            var giveBack = status == "cancelled";
            FinishTask(taskId, status!, isError: status != "completed", errorCode: null, giveBack, checkedResult);
        }
    }

    public void FinishTask(
        string taskId, string status, bool isError, long? errorCode, bool giveBack, ResultCheck? checkedResult = null)
    {
        if (!channels.Tasks.TryFinish(taskId, out var task))
        {
            return;
        }

        Record(
            task.Call, task.RequestId, isError, errorCode, checkedResult ?? ResultCheck.None,
            Stopwatch.GetTimestamp(), taskStatus: status);
        if (giveBack)
        {
            GiveBack(task.Call);
        }
    }

    /// <summary>
    /// The client cancelled a forwarded call: its outcome is the cancellation (no answer reached the client; a late
    /// one is dropped, see <see cref="RecordLateAnswer"/>). Its counts stay: the server may have run it.
    /// </summary>
    public void RecordCancelled(ForwardedCall call, JsonRpcId id) => Record(
        call, id, isError: false, errorCode: null, ResultCheck.None, Stopwatch.GetTimestamp(), cancelled: true);

    /// <summary>
    /// The server answered a call the client had cancelled: the answer is dropped, but its record tells whether the
    /// server acted on it (docs/audit.md#late_answer). Its counts stay, as at the cancellation.
    /// </summary>
    public void RecordLateAnswer(ForwardedCall call, JsonRpcId id, bool isError, long? errorCode) => Record(
        call, id, isError, errorCode, ResultCheck.None, Stopwatch.GetTimestamp(), lateAnswer: true);

    public void Record(
        ForwardedCall call,
        JsonRpcId id,
        bool isError,
        long? errorCode,
        ResultCheck checkedResult,
        long answeredAt,
        PendingRequest? answered = null,
        string? taskStatus = null,
        bool cancelled = false,
        bool lateAnswer = false)
    {
        var elapsed = Stopwatch.GetElapsedTime(call.StartedTimestamp, answeredAt);
        LogCallFinished(logger, call.ToolName, elapsed.TotalMilliseconds);
        if (answered is not null)
        {
            // A task's end comes long after its request's spans ended (the answer that created the task).
            channels.Spans?.Concluded(answered, checkedResult.Filtered);
        }

        if (audit is NullAuditLog)
        {
            return;
        }

        audit.TryWriteOutcome(new AuditOutcomeRecord
        {
            CallId = call.CallId,
            RequestId = id.ToJsonElement(),
            Tool = call.ToolName,
            Duration = elapsed,
            IsError = isError,
            ErrorCode = errorCode,
            TaskStatus = taskStatus,
            Cancelled = cancelled,
            LateAnswer = lateAnswer,
            Agent = call.Agent,
            Results = checkedResult.Filtered is FilteredResult.Untouched
                ? null
                : new AuditResultPolicy(
                    ResultCheck.Word(checkedResult.Filtered), checkedResult.Filtered.Counts, checkedResult.Monitor),
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tool {ToolName} answered after {ElapsedMs:0.0} ms.")]
    private static partial void LogCallFinished(ILogger logger, string toolName, double elapsedMs);
}
