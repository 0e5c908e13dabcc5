using System.Buffers;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The server's answer to a <c>tasks/*</c> request about a task of a judged call. <c>tasks/result</c> is the call's
/// own final answer (an error there: it did not complete, so its counts are given back, as for a plain call);
/// <c>tasks/get</c> and <c>tasks/cancel</c> show its status, and a final one ends the call.
/// </summary>
internal sealed class TaskAnswerStage(CallOutcomes outcomes) : IMessageStage<ServerStep>
{
    public ValueTask<StageOutcome> RunAsync(ServerStep step, CancellationToken cancellationToken)
    {
        if (step.Pending is { TaskId: { } taskId } pending)
        {
            NoteTaskAnswer(taskId, pending.Method, step.Line, step.Header, step.Checked);
        }

        return StageOutcome.Next;
    }

    private void NoteTaskAnswer(
        string taskId,
        string method,
        ReadOnlySequence<byte> line,
        ServerMessageHeader header,
        ResultCheck checkedResult)
    {
        if (method == ResultStage.TasksResult)
        {
            outcomes.FinishTask(
                taskId, header.IsError ? "failed" : "completed", header.IsError, header.ErrorCode,
                giveBack: header.ErrorCode is not null, checkedResult);
            return;
        }

        if (header.IsError || line.Length > TaskHandles.LargestHandle)
        {
            return;
        }

        using var document = JsonDocument.Parse(line);
        if (document.RootElement.TryGetProperty("result"u8, out var result)
            && TaskHandles.TryReadTask(result, out var id, out var status) && id == taskId)
        {
            // A completed task's tasks/get may carry the call's result (the 2026 tasks extension): what the result
            // policy did with it is the call's outcome.
            outcomes.NoteTaskStatus(taskId, status, checkedResult);
        }
    }
}
