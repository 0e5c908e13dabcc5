using McpGuard.Policy.Limits;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// A memory store that answers a decision only once the test opens the gate: a slow or stuck durable store.
/// </summary>
internal sealed class GatedCounterStore : ICounterStore
{
    private readonly MemoryCounterStore _inner = new();
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Description => "the gated store";

    /// <summary>Completes when a decision is waiting at the gate.</summary>
    public Task Asked => _asked.Task;

    public void Open() => _open.TrySetResult();

    public async ValueTask<CountOutcome> TryCountAsync(IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _asked.TrySetResult();
        await _open.Task.WaitAsync(cancellationToken);
        return await _inner.TryCountAsync(demands, now, cancellationToken);
    }

    public ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken) => _inner.GiveBackAsync(receipt, cancellationToken);

    public ValueTask<IReadOnlyList<CounterReading>> ReadAsync(string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken) =>
        _inner.ReadAsync(counterNamespace, now, cancellationToken);

    public ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken) =>
        _inner.ResetAsync(counterNamespace, entry, cancellationToken);
}
