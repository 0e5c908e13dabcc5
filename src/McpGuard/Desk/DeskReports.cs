namespace McpGuard.Desk;

/// <summary>
/// The desk's memory of running guards' pictures: each guard's last report, replaced by its next one. A guard
/// reports at least every <see cref="ReportEvery"/>; one not heard from for three times that is gone (it exited
/// without saying so, or was killed) and leaves the page. Bounded: a desk shows at most <see cref="MaxGuards"/>.
/// </summary>
internal sealed class DeskReports(TimeProvider timeProvider)
{
    public const int MaxGuards = 200;
    public static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DeskGuardPicture> _guards = new(StringComparer.Ordinal);

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

            _guards[id] = new DeskGuardPicture(id, timeProvider.GetUtcNow(), report);
            return true;
        }
    }

    /// <summary>The guard is exiting.</summary>
    public void Remove(string id)
    {
        lock (_gate)
        {
            _guards.Remove(id);
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
        var oldest = timeProvider.GetUtcNow() - 3 * ReportEvery;
        foreach (var gone in _guards.Values.Where(g => g.Received < oldest).Select(g => g.Id).ToList())
        {
            _guards.Remove(gone);
        }
    }
}
