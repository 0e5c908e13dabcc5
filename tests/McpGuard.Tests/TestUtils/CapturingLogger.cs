using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace McpGuard.Tests.TestUtils;

/// <summary>An <see cref="ILogger"/> that keeps every formatted message with its level.</summary>
public sealed class CapturingLogger : ILogger
{
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    /// <summary>
    /// Completes when a message containing <paramref name="text"/> has been logged (the event a test waits on).
    /// </summary>
    public Task WaitForAsync(string text)
    {
        lock (_waiters)
        {
            if (Entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal)))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((text, seen));
            return seen.Task;
        }
    }

    public void Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        lock (_waiters)
        {
            Entries.Enqueue((logLevel, message));
            foreach (var waiter in _waiters.Where(w => message.Contains(w.Text, StringComparison.Ordinal)))
            {
                waiter.Seen.TrySetResult();
            }
        }
    }
}
