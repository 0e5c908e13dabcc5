using McpGuard.Desk;

namespace McpGuard.Telemetry;

/// <summary>
/// <c>tools/call</c> decisions per minute for the desk page, read from the same <c>mcpguard.decisions</c> counter the
/// metrics export (an observer of it), by its <c>decision</c> label only. Keeps the last <see cref="Minutes"/>
/// minutes; started only while a desk may look.
/// </summary>
internal sealed class DecisionMinutes : IDisposable
{
    public const int Minutes = 15;

    private readonly TimeProvider _time;
    private readonly Action _counted;
    private readonly Lock _gate = new();
    private readonly Dictionary<(long Minute, string Decision), long> _counts = [];
    private IDisposable? _listening;

    /// <param name="counted">Called after each decision is counted (outside any lock): the reporter's wake-up.</param>
    public DecisionMinutes(TimeProvider time, Action counted)
    {
        _time = time;
        _counted = counted;
    }

    /// <summary>Starts listening (once): decisions before this are not counted.</summary>
    public void Start() =>
        _listening ??= GuardTelemetry.Decisions.Observe((labels, value) => Count(labels.First ?? "unknown", value));

    /// <summary>Counts <paramref name="value"/> decisions of one kind in the current minute.</summary>
    public void Count(string decision, long value)
    {
        var minute = _time.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (_gate)
        {
            _counts[(minute, decision)] = _counts.GetValueOrDefault((minute, decision)) + value;
        }

        _counted();
    }

    /// <summary>The last <see cref="Minutes"/> minutes, oldest first; older minutes are forgotten here.</summary>
    public IReadOnlyList<DeskDecisionMinute> Read()
    {
        var first = _time.GetUtcNow().ToUnixTimeSeconds() / 60 - (Minutes - 1);
        lock (_gate)
        {
            foreach (var old in _counts.Keys.Where(k => k.Minute < first).ToList())
            {
                _counts.Remove(old);
            }

            return
            [
                .. _counts.OrderBy(c => c.Key.Minute).ThenBy(c => c.Key.Decision, StringComparer.Ordinal)
                    .Select(c => new DeskDecisionMinute(
                        DateTimeOffset.FromUnixTimeSeconds(c.Key.Minute * 60), c.Key.Decision, c.Value)),
            ];
        }
    }

    public void Dispose() => _listening?.Dispose();
}
