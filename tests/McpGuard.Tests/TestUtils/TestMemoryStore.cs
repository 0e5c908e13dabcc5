using McpGuard.Policy.Limits;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// A memory store with one step a test makes slow, gated or eventful: each derived store overrides that step and
/// leaves the rest to the memory store underneath. Like a durable store, it does not answer at once.
/// </summary>
internal abstract class TestMemoryStore : ICounterStore
{
    protected MemoryCounterStore Inner { get; } = new();

    public abstract string Description { get; }

    public virtual ValueTask<CountOutcome> TryCountAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken) =>
        Inner.TryCountAsync(demands, now, cancellationToken);

    public virtual ValueTask<CountOutcome> CheckAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken) =>
        Inner.CheckAsync(demands, now, cancellationToken);

    public virtual ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken) =>
        Inner.GiveBackAsync(receipt, cancellationToken);

    public ValueTask<IReadOnlyList<CounterReading>> ReadAsync(
        string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken) =>
        Inner.ReadAsync(counterNamespace, now, cancellationToken);

    public ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken) =>
        Inner.ResetAsync(counterNamespace, entry, cancellationToken);
}
