using System.Collections.Concurrent;

namespace McpGuard.Session;

/// <summary>
/// Work a session starts and does not wait for (a forwarded call's counts given back to a durable store): it
/// belongs to the session, which waits for all of it at its end (<see cref="GuardSession.EndAsync"/>), before the
/// transport closes the counter store. Each piece is bounded by the store's own timeout.
/// </summary>
internal sealed class BackgroundWork
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>
    /// Starts <paramref name="work"/> and keeps it until it ends; work that ends at once is not kept.
    /// </summary>
    public void Run(Func<Task> work)
    {
        var task = work();
        if (task.IsCompleted)
        {
            return;
        }

        _running[task] = 0;
        task.ContinueWith(
            done => _running.TryRemove(done, out _),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public int Count => _running.Count;

    /// <summary>Waits for every piece still running; one that fails has already said so in the log.</summary>
    public async Task DrainAsync()
    {
        try
        {
            await Task.WhenAll(_running.Keys);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // A store that broke while giving back: the counts stay, as when it cannot be reached.
        }
    }
}
