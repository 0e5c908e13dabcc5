namespace McpGuard.State;

/// <summary>
/// The decisions waiting for the SQLite store's next group commit, in arrival order, and one registration per
/// caller's token while a decision waits under it: a token cancelled meanwhile (the engine gave up after
/// <c>state.timeout</c>) withdraws its decisions still waiting, which are then never counted. A burst's counts share
/// a token (the engine's give-up slices), so this is one registration per group commit where a registration per
/// decision, and an async wait to drop it, cost every queued call (bench/HISTORY.md, issue 27, ninth session).
/// Every member but the cancellation's callback is called under the store's lock, which the callback takes too.
/// </summary>
internal sealed class SqliteDecisionQueue(object storeLock)
{
    private readonly List<SqliteDecision> _waiting = [];
    private readonly List<(CancellationToken Token, CancellationTokenRegistration Registration)> _watched = [];

    public int Count => _waiting.Count;

    /// <summary>Queues a decision; one whose token is cancelled already is withdrawn at once instead.</summary>
    public void Add(SqliteDecision decision)
    {
        var token = decision.Token;
        if (token.IsCancellationRequested)
        {
            // Its registration (if any) ran already: it would never withdraw this one.
            decision.Withdraw(token);
            return;
        }

        _waiting.Add(decision);
        if (!token.CanBeCanceled || IsWatched(token))
        {
            return;
        }

        // Cancelled from now on, the callback waits for the store's lock, which the caller holds: it finds this one.
        _watched.Add((token, token.UnsafeRegister(static (state, token) =>
            ((SqliteDecisionQueue)state!).Withdraw(token), this)));
    }

    /// <summary>Takes every waiting decision, in arrival order: from now on each is answered, none withdrawn.</summary>
    public SqliteDecision[] TakeAll()
    {
        SqliteDecision[] all = [.. _waiting];
        _waiting.Clear();
        foreach (var (_, registration) in _watched)
        {
            // Not Dispose: that would wait for a callback that runs now, and the callback waits for our lock.
            registration.Unregister();
        }

        _watched.Clear();
        return all;
    }

    private bool IsWatched(CancellationToken token)
    {
        foreach (var (watched, _) in _watched)
        {
            if (watched == token)
            {
                return true;
            }
        }

        return false;
    }

    private void Withdraw(CancellationToken token)
    {
        List<SqliteDecision>? withdrawn = null;
        lock (storeLock)
        {
            for (var i = _waiting.Count - 1; i >= 0; i--)
            {
                if (_waiting[i].Token == token)
                {
                    (withdrawn ??= []).Add(_waiting[i]);
                    _waiting.RemoveAt(i);
                }
            }
        }

        // Outside the lock: a withdrawn decision's waiter goes on here.
        foreach (var decision in withdrawn ?? [])
        {
            decision.Withdraw(token);
        }
    }
}
