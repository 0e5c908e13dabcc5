namespace McpGuard.Desk;

/// <summary>
/// The desk's memory of running guards' pictures: each guard's last report, replaced by its next one. A guard
/// reports at least every <see cref="ReportEvery"/>; one not heard from for three times that is gone (it exited
/// without saying so, or was killed) and leaves the page. The decisions a guard made outlive it: a guard that has
/// gone leaves its decisions per minute on the chart until they are older than <see cref="ChartSpan"/>, as a
/// dashboard's rate keeps a process that has exited. Bounded: a desk shows at most <see cref="MaxGuards"/> guards,
/// and keeps the minutes of at most as many that have gone (the earliest gone are dropped first).
/// </summary>
internal sealed class DeskReports(TimeProvider timeProvider)
{
    public const int MaxGuards = 200;
    public static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(15);

    /// <summary>The decisions chart's span: this minute and the 14 before it.</summary>
    public static readonly TimeSpan ChartSpan = TimeSpan.FromMinutes(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DeskGuardPicture> _guards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Departed> _departed = new(StringComparer.Ordinal);

    /// <summary>Keeps the report; false when the desk already shows <see cref="MaxGuards"/> other guards.</summary>
    public bool Put(string id, DeskGuardReport report)
    {
        lock (_gate)
        {
            Sweep();
            if (!_guards.ContainsKey(id) && _guards.Count >= MaxGuards)
            {
                return false;
            }

            // A guard taken for gone that reports again carries its own minutes: not counted twice.
            _departed.Remove(id);
            _guards[id] = new DeskGuardPicture(id, timeProvider.GetUtcNow(), report);
            return true;
        }
    }

    /// <summary>The guard is exiting.</summary>
    public void Remove(string id)
    {
        lock (_gate)
        {
            if (_guards.Remove(id, out var left))
            {
                Depart(left);
            }
        }
    }

    /// <summary>
    /// The decisions per minute of guards that have gone, within <see cref="ChartSpan"/>, summed by minute and
    /// decision; the page adds them to the running guards' own.
    /// </summary>
    public IReadOnlyList<DeskDecisionMinute> DepartedMinutes()
    {
        lock (_gate)
        {
            Sweep();
            return
            [
                .. _departed.Values.SelectMany(d => d.Minutes)
                    .GroupBy(m => (m.Minute, m.Decision))
                    .Select(g => new DeskDecisionMinute(g.Key.Minute, g.Key.Decision, g.Sum(m => m.Count)))
                    .OrderBy(m => m.Minute)
                    .ThenBy(m => m.Decision, StringComparer.Ordinal),
            ];
        }
    }

    /// <summary>Every live guard's picture, by server name.</summary>
    public IReadOnlyList<DeskGuardPicture> Snapshot()
    {
        lock (_gate)
        {
            Sweep();
            return
            [
                .. _guards.Values.OrderBy(g => g.Report.Server, StringComparer.Ordinal)
                    .ThenBy(g => g.Id, StringComparer.Ordinal),
            ];
        }
    }

    private void Sweep()
    {
        var now = timeProvider.GetUtcNow();
        var oldest = now - 3 * ReportEvery;
        foreach (var gone in _guards.Values.Where(g => g.Received < oldest).ToList())
        {
            _guards.Remove(gone.Id);
            Depart(gone);
        }

        foreach (var (id, departed) in _departed.ToList())
        {
            var kept = departed.Minutes.Where(m => m.Minute + ChartSpan > now).ToArray();
            if (kept.Length == 0)
            {
                _departed.Remove(id);
            }
            else if (kept.Length < departed.Minutes.Length)
            {
                _departed[id] = departed with { Minutes = kept };
            }
        }
    }

    private void Depart(DeskGuardPicture guard)
    {
        if (guard.Report.Minutes.Count == 0)
        {
            return;
        }

        if (_departed.Count >= MaxGuards)
        {
            _departed.Remove(_departed.MinBy(d => d.Value.Left).Key);
        }

        _departed[guard.Id] = new Departed(timeProvider.GetUtcNow(), [.. guard.Report.Minutes]);
    }

    /// <summary>A gone guard's decisions per minute, and when it went.</summary>
    private sealed record Departed(DateTimeOffset Left, DeskDecisionMinute[] Minutes);
}
