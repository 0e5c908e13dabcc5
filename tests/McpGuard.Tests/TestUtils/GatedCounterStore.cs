using McpGuard.Policy.Limits;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// A memory store that answers a decision only once the test opens the gate: a slow or stuck durable store. Like a
/// durable store (one SQLite connection, one Redis pipeline), it counts in the order it was asked, also for the
/// decisions that waited at the gate together.
/// </summary>
internal sealed class GatedCounterStore : TestMemoryStore
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private Task _lastAsked = Task.CompletedTask;

    public override string Description => "the gated store";

    /// <summary>Completes when a decision is waiting at the gate.</summary>
    public Task Asked => _asked.Task;

    public void Open() => _open.TrySetResult();

    public override ValueTask<CountOutcome> TryCountAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _asked.TrySetResult();
        lock (_lock)
        {
            var counting = CountAfterAsync(_lastAsked, demands, now, cancellationToken);
            _lastAsked = counting;
            return new ValueTask<CountOutcome>(counting);
        }
    }

    private async Task<CountOutcome> CountAfterAsync(
        Task earlier, IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _open.Task.WaitAsync(cancellationToken);

        // Once the gate opens, every waiting decision resumes at once: each still counts after the one asked before.
        await earlier.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return await Inner.TryCountAsync(demands, now, cancellationToken);
    }
}
