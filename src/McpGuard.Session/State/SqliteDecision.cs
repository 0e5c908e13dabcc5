using System.Threading.Tasks.Sources;
using McpGuard.Policy.Limits;

namespace McpGuard.State;

/// <summary>
/// A decision waiting in the SQLite store's queue (<see cref="SqliteDecisionQueue"/>) for the next group commit. Its
/// caller may give up first (the engine's <c>state.timeout</c> cancels <see cref="Token"/>): then it is withdrawn
/// from the queue and never counted. Once the store took it into a transaction it is answered with that
/// transaction's outcome, and never counted without an answer.
/// The decision is itself what its caller awaits (<see cref="Answer"/>), answered once: no task and no task source
/// beside it per queued call (bench/HISTORY.md, issue 27, twenty-first session).
/// </summary>
internal sealed class SqliteDecision(IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken token)
    : IValueTaskSource<CountOutcome>
{
    // Continuations run on the store's thread (they forward the held call): no hop to the pool per call.
    private ManualResetValueTaskSourceCore<CountOutcome> _answer;

    /// <summary>1 once answered or withdrawn: a decision is completed once, whoever comes second is ignored.</summary>
    private int _completed;

    public IReadOnlyList<CounterDemand> Demands { get; } = demands;

    public DateTimeOffset Now { get; } = now;

    /// <summary>When it was asked for (a <c>Stopwatch</c> timestamp), with telemetry on; else 0.</summary>
    public long Started { get; init; }

    /// <summary>The caller's token: cancelled while the decision still waits in the queue, it is withdrawn.</summary>
    public CancellationToken Token { get; } = token;

    /// <summary>
    /// The outcome once the transaction committed; an <see cref="OperationCanceledException"/> when the decision was
    /// withdrawn. Awaited once, by the one caller that queued it.
    /// </summary>
    public ValueTask<CountOutcome> Answer => new(this, _answer.Version);

    /// <summary>
    /// Answers a group commit's decisions, the last first. An answer runs its waiter's continuations on this thread,
    /// and the held calls' sender waits for the oldest (<c>CountedCalls</c>): answered first, it went on at once,
    /// found the next call's count not in yet and flushed, a write to the server per call. Answered last, it finds
    /// the whole batch answered and sends it in one write (bench/HISTORY.md, issue 27, ninth session).
    /// </summary>
    public static void AnswerAll(SqliteDecision[] batch, CountOutcome[] outcomes)
    {
        for (var i = batch.Length - 1; i >= 0; i--)
        {
            batch[i].TryAnswer(outcomes[i]);
        }
    }

    public void TryAnswer(CountOutcome outcome)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _answer.SetResult(outcome);
        }
    }

    /// <summary>Taken out of the queue before any transaction took it: its caller gave up.</summary>
    public void Withdraw(CancellationToken token)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _answer.SetException(new OperationCanceledException(token));
        }
    }

    CountOutcome IValueTaskSource<CountOutcome>.GetResult(short token) => _answer.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<CountOutcome>.GetStatus(short token) => _answer.GetStatus(token);

    void IValueTaskSource<CountOutcome>.OnCompleted(
        Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _answer.OnCompleted(continuation, state, token, flags);
}
