using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// A task status notification from the server (<c>notifications/tasks/status</c>, the 2026 tasks extension's
/// <c>notifications/tasks</c>): a final status ends the task's call (<see cref="CallOutcomes"/>).
/// Forwarded as is.
/// </summary>
internal sealed class TaskStatusStage(CallOutcomes outcomes) : IMessageStage<ServerStep>
{
    public ValueTask<StageOutcome> RunAsync(ServerStep step, CancellationToken cancellationToken)
    {
        if (step.Header.IsResponse || step.Header.IsRequest
            || step.Header.Method is not (TaskHandles.StatusNotification or TaskHandles.ModernStatusNotification)
            || step.Line.Length > TaskHandles.LargestHandle)
        {
            return StageOutcome.Next;
        }

        using var document = JsonDocument.Parse(step.Line);
        if (document.RootElement.TryGetProperty("params"u8, out var parameters)
            && TaskHandles.TryReadTask(parameters, out var taskId, out var status))
        {
            outcomes.NoteTaskStatus(taskId, status, step.Checked);
        }

        return StageOutcome.Next;
    }
}
