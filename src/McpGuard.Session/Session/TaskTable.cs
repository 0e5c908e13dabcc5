namespace McpGuard.Session;

/// <summary>
/// The tasks the server created for judged tools/calls in this session. A <c>tasks/*</c> request naming any other id is
/// refused: the guard cannot tell which call, judged or not, such a task belongs to. Each task keeps its call until its
/// final state, when the call's outcome is recorded (and its counts given back if it was cancelled). Bounded: past <see
/// cref="Capacity"/> the oldest task is forgotten (its later requests are refused, never let through).
/// </summary>
internal sealed class TaskTable
{
    public const int Capacity = 4096;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, TrackedTask> _tasks = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Created(string taskId, TrackedTask task)
    {
        lock (_lock)
        {
            if (!_tasks.TryAdd(taskId, task))
            {
                return;
            }

            _order.Enqueue(taskId);
            while (_order.Count > Capacity)
            {
                _tasks.Remove(_order.Dequeue());
            }
        }
    }

    public bool Knows(string taskId)
    {
        lock (_lock)
        {
            return _tasks.ContainsKey(taskId);
        }
    }

    /// <summary>The task, if it is one of a judged call of this session.</summary>
    public bool TryFind(string taskId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TrackedTask? task)
    {
        lock (_lock)
        {
            return _tasks.TryGetValue(taskId, out task);
        }
    }

    /// <summary>The task's call the first time it is seen final; false if unknown or already final.</summary>
    public bool TryFinish(string taskId, out TrackedTask task)
    {
        lock (_lock)
        {
            if (_tasks.TryGetValue(taskId, out task!) && !task.Finished)
            {
                task.Finished = true;
                return true;
            }

            return false;
        }
    }
}

/// <summary>A task of a forwarded call: the call, and the id of the request that created it (for the audit).</summary>
internal sealed record TrackedTask(ForwardedCall Call, JsonRpcId RequestId)
{
    public bool Finished { get; set; }
}
