using System.Collections.Concurrent;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A guard's stderr lines (its own and its child's) as they arrive, and a wait for one that contains a text: a test
/// synchronises on what a process says it did, never on time.
/// </summary>
internal sealed class StderrLines
{
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

    public ConcurrentQueue<string> Lines { get; } = new();

    public void Add(string line)
    {
        lock (_waiters)
        {
            Lines.Enqueue(line);
            foreach (var waiter in _waiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)))
            {
                waiter.Seen.TrySetResult();
            }
        }
    }

    /// <summary>Completes when a line containing <paramref name="text"/> has arrived (at once if one has).</summary>
    public Task WaitForAsync(string text)
    {
        lock (_waiters)
        {
            if (Lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((text, seen));
            return seen.Task;
        }
    }
}
