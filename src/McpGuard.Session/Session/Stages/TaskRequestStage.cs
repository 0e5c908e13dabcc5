using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace McpGuard.Session;

/// <summary>
/// A <c>tasks/*</c> request reaches only a task a judged call of this session created (any other may be anyone's),
/// and on a child several agents share (serve's 2026-07-28 child) only one the same agent's call created: its result
/// is that agent's. <c>tasks/list</c> is not passed to such a child, whose answer would list every agent's tasks. A
/// task's input responses that carry the model's tool picks are judged, since the server would run them.
/// </summary>
internal sealed partial class TaskRequestStage(SessionChannels channels, ToolCallGate gate, ILogger logger)
    : IMessageStage<ClientStep>
{
    public ValueTask<StageOutcome> RunAsync(ClientStep step, CancellationToken cancellationToken)
    {
        var message = step.Message;
        if (message.Kind == MessageKind.Request && message.Method == TasksList && gate.SharedByAgents)
        {
            LogListRefused(logger);
            return StageOutcome.ToClient(JsonRpcMessages.Error(message.Id!.Value, McpErrorCode.MethodNotFound.AsInt(),
                "McpGuard: tasks/list is not served to 2026-07-28 clients, which share one server: it would list "
                + "every agent's tasks. Ask for a task by the id its tools/call answer gave."));
        }

        if (message.Kind != MessageKind.Request || TaskHandles.Named(message.Method!, message.Params) is not { } taskId)
        {
            return StageOutcome.Next;
        }

        var id = message.Id!.Value;
        if (!channels.Tasks.TryFind(taskId, out var task)
            || !string.Equals(task.Call.Agent, gate.AgentOf(id), StringComparison.Ordinal))
        {
            LogUnknownTask(logger);
            return StageOutcome.ToClient(
                JsonRpcMessages.Error(id, McpErrorCode.InvalidParams.AsInt(), $"Unknown task: {taskId}"));
        }

        step.TaskId = taskId;
        return PickedTool.InInputResponses(message.Params) is { Count: > 0 } picks
            ? JudgePicksAsync(picks, step, cancellationToken)
            : StageOutcome.Next;
    }

    /// <summary>
    /// A task's input responses (tasks/update) carrying the model's picks: the server would run them.
    /// </summary>
    private async ValueTask<StageOutcome> JudgePicksAsync(
        IReadOnlyList<PickedTool> picks, ClientStep step, CancellationToken cancellationToken)
    {
        var id = step.Message.Id!.Value;
        if (await gate.JudgePicksAsync(picks, id, step.Policy, cancellationToken) is PicksOutcome.Refused refused)
        {
            var error = JsonRpcMessages.Error(id, SamplingWithTools.RefusedCode, "McpGuard: " + refused.Reason);
            return StageOutcome.ToClient(error);
        }

        return StageOutcome.Next;
    }

    private const string TasksList = "tasks/list";

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refused a tasks/* request for a task no judged call of this session (or of this agent) created.")]
    private static partial void LogUnknownTask(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refused tasks/list on the server 2026-07-28 clients share: it would list every agent's tasks.")]
    private static partial void LogListRefused(ILogger logger);
}
