using McpGuard.Policy.Limits;

namespace McpGuard.State;

/// <summary>
/// A decision waiting in the SQLite store's queue for the next group commit. Its caller may give up first (the
/// engine's <c>state.timeout</c>): then it is withdrawn and never counted. Once the store took it into a
/// transaction it is answered with that transaction's outcome, and never counted without an answer.
/// </summary>
internal sealed class SqliteDecision(IReadOnlyList<CounterDemand> demands, DateTimeOffset now)
{
    private const int Waiting = 0, Taken = 1, Withdrawn = 2;

    // Continuations run on the store's thread (they forward the held call): no hop to the pool per call.
    private readonly TaskCompletionSource<CountOutcome> _answer = new();
    private int _state;

    public IReadOnlyList<CounterDemand> Demands { get; } = demands;

    public DateTimeOffset Now { get; } = now;

    /// <summary>The store takes it into a transaction: false when the caller withdrew it already.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

    /// <summary>
    /// Answers a group commit's decisions, the last first. An answer runs its waiter's continuations on this thread,
    /// and the held calls' sender waits for the oldest (<c>CountedCalls</c>): answered first, it went on at once,
    /// found the next call's count not in yet and flushed, a write to the server per call. Answered last, it finds
    /// the whole batch answered and sends it in one write (bench/README.md, issue 27, ninth session).
    /// </summary>
    public static void AnswerAll(SqliteDecision[] batch, CountOutcome?[] outcomes)
    {
        for (var i = batch.Length - 1; i >= 0; i--)
        {
            batch[i].TryAnswer(outcomes[i]);
        }
    }

    public void TryAnswer(CountOutcome? outcome)
    {
        if (outcome is not null)
        {
            _answer.TrySetResult(outcome);
        }
    }

    public async Task<CountOutcome> WaitAsync(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return await _answer.Task;
        }

        await using var withdraw = cancellationToken.UnsafeRegister(static (state, token) => ((SqliteDecision)state!).Withdraw(token), this);
        return await _answer.Task;
    }

    private void Withdraw(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Withdrawn, Waiting) == Waiting)
        {
            _answer.TrySetCanceled(token);
        }
    }
}
