namespace McpGuard.Policy.Limits;

/// <summary>
/// Where limit and budget counters live: memory (this process), SQLite (every guard of the user) or Redis (every guard
/// that reaches it). One decision is one atomic step: check every demand, then count in all or in none, also against
/// other processes using the same store. Times are UTC; a store may use its own clock where machines share it (Redis
/// uses the server's). Stores that hold connections are IAsyncDisposable; their opener disposes them.
/// </summary>
internal interface ICounterStore
{
    /// <summary>
    /// The store in words for reasons and messages (never a password): <c>the SQLite store at ~/.mcpguard/state.db</c>.
    /// </summary>
    string Description { get; }

    /// <summary>
    /// True when <see cref="TryCountAsync"/> always completes before it returns (memory): the engine then sets no
    /// timer for <c>state.timeout</c> around it.
    /// </summary>
    bool AnswersAtOnce => false;

    /// <summary>
    /// Checks every demand and, when all fit, counts them all. Never throws for an unreachable store: answers
    /// Unavailable.
    /// </summary>
    ValueTask<CountOutcome> TryCountAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// What <see cref="TryCountAsync"/> would answer now, counting nothing: <see cref="CountOutcome.Fits"/>, Refused
    /// (with the same retry-after) or Unavailable. Asked before a person is asked about a call (docs/approval.md),
    /// so nobody approves a call its limits would refuse anyway; the count after the approval still decides.
    /// </summary>
    ValueTask<CountOutcome> CheckAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Takes back what a receipt counted (the call did not run). False when the store could not be reached.
    /// </summary>
    ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken);

    /// <summary>
    /// Every live counter of a namespace. Throws <see cref="CounterStoreException"/> when the store cannot be read.
    /// </summary>
    ValueTask<IReadOnlyList<CounterReading>> ReadAsync(
        string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Clears every counter of one entry in a namespace; returns how many there were. Throws <see
    /// cref="CounterStoreException"/>.
    /// </summary>
    ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken);
}
