namespace McpGuard.Desk;

/// <summary>
/// The desk's memory: pending requests from every guard, their answers until the guard has read them, and
/// the recent decisions. A request past its deadline is expired here too, so it cannot be approved late.
/// </summary>
internal sealed class DeskStore(TimeProvider timeProvider)
{
    private const int FeedSize = 50;
    private static readonly TimeSpan s_keepAnswers = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<DeskDecision> _feed = new();

    public DateTimeOffset Now => timeProvider.GetUtcNow();

    /// <summary>Adds a request; posting the same id again (a retry) changes nothing.</summary>
    public void Add(DeskPending pending)
    {
        lock (_gate)
        {
            Sweep();
            if (!_entries.ContainsKey(pending.Id))
            {
                _entries[pending.Id] = new Entry(pending);
            }
        }
    }

    /// <summary>A person's answer; false if the request is no longer pending (decided, expired, withdrawn).</summary>
    public bool TryDecide(string id, bool approve) =>
        Finish(id, approve ? DeskAnswer.Approved : DeskAnswer.Denied, approve ? "approved" : "denied");

    /// <summary>The guard stopped waiting (timeout on its side, the client cancelled).</summary>
    public void Withdraw(string id) => Finish(id, DeskAnswer.Denied, "withdrawn");

    public (IReadOnlyList<DeskPending> Pending, IReadOnlyList<DeskDecision> Decisions) Snapshot()
    {
        lock (_gate)
        {
            Sweep();
            return (
                _entries.Values
                    .Where(e => e.Answer == DeskAnswer.Pending)
                    .Select(e => e.Request)
                    .OrderBy(p => p.Received)
                    .ToList(),
                _feed.ToList());
        }
    }

    /// <summary>Waits up to <paramref name="wait"/> for the answer (a long poll).</summary>
    public async Task<DeskAnswer> WaitAsync(string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        Task<DeskAnswer> answered;
        lock (_gate)
        {
            Sweep();
            if (!_entries.TryGetValue(id, out var entry))
            {
                return DeskAnswer.Unknown;
            }

            if (entry.Answer != DeskAnswer.Pending)
            {
                return entry.Answer;
            }

            answered = entry.Answered.Task;
        }

        try
        {
            return await answered.WaitAsync(wait, timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            return DeskAnswer.Pending;
        }
    }

    private bool Finish(string id, DeskAnswer answer, string outcome)
    {
        lock (_gate)
        {
            Sweep();
            if (!_entries.TryGetValue(id, out var entry) || entry.Answer != DeskAnswer.Pending)
            {
                return false;
            }

            Close(entry, answer, outcome);
            return true;
        }
    }

    private void Close(Entry entry, DeskAnswer answer, string outcome)
    {
        entry.Answer = answer;
        entry.ClosedAt = Now;
        entry.Answered.TrySetResult(answer);
        _feed.AddFirst(new DeskDecision(entry.Request.Id, entry.Request.Server, entry.Request.Tool, outcome, Now));
        while (_feed.Count > FeedSize)
        {
            _feed.RemoveLast();
        }
    }

    /// <summary>Expires what is past its deadline and forgets answers nobody came back for.</summary>
    private void Sweep()
    {
        var now = Now;
        foreach (var entry in _entries.Values.ToList())
        {
            if (entry.Answer == DeskAnswer.Pending && now >= entry.Request.Deadline)
            {
                Close(entry, DeskAnswer.Denied, "expired");
            }
            else if (entry.Answer != DeskAnswer.Pending && now - entry.ClosedAt > s_keepAnswers)
            {
                _entries.Remove(entry.Request.Id);
            }
        }
    }

    private sealed class Entry(DeskPending request)
    {
        public DeskPending Request { get; } = request;

        public DeskAnswer Answer { get; set; } = DeskAnswer.Pending;

        public DateTimeOffset ClosedAt { get; set; }

        public TaskCompletionSource<DeskAnswer> Answered { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
