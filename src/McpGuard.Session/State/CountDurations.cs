using System.Diagnostics;
using McpGuard.Policy.Limits;
using McpGuard.Telemetry;

namespace McpGuard.State;

/// <summary>
/// Records how long a store took to count a decision as <c>mcpguard.store.duration</c> (docs/telemetry.md): from
/// the store being asked to its answer being decided, timestamps of <see cref="Stopwatch"/>.
/// </summary>
internal sealed class CountDurations(string storeKind)
{
    public void Record(long started, long ended, CountOutcome outcome) =>
        Record(started, ended, "count", outcome is CountOutcome.Unavailable ? "unavailable" : null);

    public void Record(long started, long ended, string operation, string? error) =>
        GuardTelemetry.StoreDuration.Record(
            Stopwatch.GetElapsedTime(started, ended).TotalSeconds, new LabelValues(storeKind, operation, error));
}
