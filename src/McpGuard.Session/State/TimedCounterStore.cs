using System.Diagnostics;
using McpGuard.Policy.Limits;

namespace McpGuard.State;

/// <summary>
/// A counter store whose counting time is recorded as <c>mcpguard.store.duration</c> (docs/telemetry.md). Wrapped
/// around the store only when telemetry is on, so a guard without telemetry reads no clock for it. A store that
/// times its counts itself (<see cref="ITimesItsCounts"/>) is asked to, and its counts pass through untouched.
/// </summary>
internal sealed class TimedCounterStore : ICounterStore, IAsyncDisposable
{
    private readonly ICounterStore _inner;
    private readonly CountDurations _durations;
    private readonly bool _innerTimesCounts;

    public TimedCounterStore(ICounterStore inner, string storeKind)
    {
        _inner = inner;
        _durations = new CountDurations(storeKind);
        if (inner is ITimesItsCounts timesItself)
        {
            timesItself.TimeCountsWith(_durations);
            _innerTimesCounts = true;
        }
    }

    public string Description => _inner.Description;

    public bool AnswersAtOnce => _inner.AnswersAtOnce;

    public ValueTask<CountOutcome> TryCountAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_innerTimesCounts)
        {
            return _inner.TryCountAsync(demands, now, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        var counting = _inner.TryCountAsync(demands, now, cancellationToken);
        if (!counting.IsCompletedSuccessfully)
        {
            return TimeAsync(counting, started);
        }

        // A store that answers at once (memory, a group commit already done) is timed without a state machine.
        var outcome = counting.Result;
        _durations.Record(started, Stopwatch.GetTimestamp(), outcome);
        return new ValueTask<CountOutcome>(outcome);
    }

    /// <summary>Not timed: <c>mcpguard.store.duration</c> times counts and give-backs (docs/telemetry.md).</summary>
    public ValueTask<CountOutcome> CheckAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken) =>
        _inner.CheckAsync(demands, now, cancellationToken);

    public async ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var given = await _inner.GiveBackAsync(receipt, cancellationToken);
        _durations.Record(started, Stopwatch.GetTimestamp(), "give_back", given ? null : "unavailable");
        return given;
    }

    public ValueTask<IReadOnlyList<CounterReading>> ReadAsync(
        string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken) =>
        _inner.ReadAsync(counterNamespace, now, cancellationToken);

    public ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken) =>
        _inner.ResetAsync(counterNamespace, entry, cancellationToken);

    public ValueTask DisposeAsync() =>
        _inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    private async ValueTask<CountOutcome> TimeAsync(ValueTask<CountOutcome> counting, long started)
    {
        var outcome = await counting;
        _durations.Record(started, Stopwatch.GetTimestamp(), outcome);
        return outcome;
    }
}
