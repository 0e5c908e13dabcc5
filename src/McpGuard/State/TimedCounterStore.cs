using System.Diagnostics;
using McpGuard.Policy.Limits;
using McpGuard.Telemetry;

namespace McpGuard.State;

/// <summary>
/// A counter store whose counting time is recorded as <c>mcpguard.store.duration</c> (docs/telemetry.md). Wrapped
/// around the store only when telemetry is on, so a guard without telemetry reads no clock for it.
/// </summary>
internal sealed class TimedCounterStore(ICounterStore inner, string storeKind) : ICounterStore, IAsyncDisposable
{
    public string Description => inner.Description;

    public bool AnswersAtOnce => inner.AnswersAtOnce;

    public ValueTask<CountOutcome> TryCountAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var counting = inner.TryCountAsync(demands, now, cancellationToken);
        if (!counting.IsCompletedSuccessfully)
        {
            return TimeAsync(counting, started);
        }

        // A store that answers at once (memory, a group commit already done) is timed without a state machine.
        var outcome = counting.Result;
        RecordCount(started, outcome);
        return new ValueTask<CountOutcome>(outcome);
    }

    public async ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var given = await inner.GiveBackAsync(receipt, cancellationToken);
        Record(started, "give_back", given ? null : "unavailable");
        return given;
    }

    public ValueTask<IReadOnlyList<CounterReading>> ReadAsync(string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.ReadAsync(counterNamespace, now, cancellationToken);

    public ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken) =>
        inner.ResetAsync(counterNamespace, entry, cancellationToken);

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    private async ValueTask<CountOutcome> TimeAsync(ValueTask<CountOutcome> counting, long started)
    {
        var outcome = await counting;
        RecordCount(started, outcome);
        return outcome;
    }

    private void RecordCount(long started, CountOutcome outcome) =>
        Record(started, "count", outcome is CountOutcome.Unavailable ? "unavailable" : null);

    private void Record(long started, string operation, string? error) =>
        GuardTelemetry.StoreDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalSeconds, new LabelValues(storeKind, operation, error));
}
