using System.Buffers;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The wire shapes of tasks (docs/relay.md#tasks-and-sampling-with-tools): the 2025-11-25 <c>task</c> parameter,
/// whose handle is <c>result.task</c>, and the 2026 tasks extension, whose handle is a result with
/// <c>resultType: "task"</c> and a top-level <c>taskId</c>. Only small answers are read: a task handle is a few
/// hundred bytes, and a large answer is never parsed for one.
/// </summary>
internal static class TaskHandles
{
    /// <summary>The 2025-11-25 task status notification.</summary>
    public const string StatusNotification = "notifications/tasks/status";

    /// <summary>The 2026 tasks extension's (a completed task's carries its result: docs/results.md).</summary>
    public const string ModernStatusNotification = "notifications/tasks";

    /// <summary>
    /// A larger message is not read for a task (a handle, a status): at worst its task is unknown to the guard and
    /// refused later, or its outcome waits for the next sign of its final state.
    /// </summary>
    public const int LargestHandle = 16 * 1024;

    /// <summary>The task id a tools/call answer creates, if it is a task handle.</summary>
    public static bool TryReadCreated(ReadOnlySequence<byte> line, out string taskId)
    {
        taskId = "";
        if (line.Length > LargestHandle || !MessageSearch.Contains(line, "\"taskId\""u8))
        {
            return false;
        }

        using var document = JsonDocument.Parse(line);
        return document.RootElement.TryGetProperty("result"u8, out var result) && TryReadTask(result, out taskId, out _)
            && (result.TryGetProperty("task"u8, out _) || IsTaskResult(result));
    }

    /// <summary>
    /// The task a client request names: <c>params.taskId</c> of any <c>tasks/*</c> method (get, result, cancel,
    /// update…).
    /// </summary>
    public static string? Named(string method, JsonElement parameters) =>
        method.StartsWith("tasks/", StringComparison.Ordinal)
        && parameters.ValueKind == JsonValueKind.Object
        && parameters.TryGetProperty("taskId"u8, out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    /// <summary>
    /// A task object's id and status, bare (<c>tasks/get</c>, the status notification) or under <c>task</c>.
    /// </summary>
    public static bool TryReadTask(JsonElement value, out string taskId, out string? status)
    {
        taskId = "";
        status = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (value.TryGetProperty("task"u8, out var inner) && inner.ValueKind == JsonValueKind.Object)
        {
            value = inner;
        }

        if (!value.TryGetProperty("taskId"u8, out var id) || id.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        taskId = id.GetString()!;
        status = value.TryGetProperty("status"u8, out var s) && s.ValueKind == JsonValueKind.String
            ? s.GetString()
            : null;
        return true;
    }

    /// <summary>
    /// A final status (<c>completed</c>, <c>failed</c>, <c>cancelled</c>): the task will not change again.
    /// </summary>
    public static bool IsFinal(string? status) => status is "completed" or "failed" or "cancelled";

    private static bool IsTaskResult(JsonElement result) =>
        result.TryGetProperty("resultType"u8, out var type) && type.ValueKind == JsonValueKind.String
            && type.ValueEquals("task"u8);
}
