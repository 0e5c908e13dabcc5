namespace McpGuard.Session;

/// <summary>
/// Arrival order is decision order (docs/relay.md): a tools/call that waits for something mechanical — the guard's
/// own tools/list, a counter store that does not answer at once — takes a turn, and every call that arrives while
/// a turn is out waits for it too. Each is decided, counted and sent only once every earlier turn is over, so a
/// later order never takes an earlier one's place. Only a call that waits for a person gives its turn up early.
/// </summary>
internal sealed class ArrivalOrder
{
    private readonly Lock _lock = new();
    private Task _allEarlier = Task.CompletedTask;
    private Turn? _latest;
    private int _out;
    private int _listing;

    /// <summary>True while some call's turn is out: a counted call must then be sent after it.</summary>
    public bool AnyWaiting => Volatile.Read(ref _out) > 0;

    /// <summary>
    /// True while a call waits for the guard's own listing: a new call cannot even be decided before it (its tool
    /// may not be known yet), so it takes a turn and is decided after it. While only counts are awaited, a new call
    /// is decided and counted on the pump at once (the store takes counts in the order asked) and only its sending
    /// waits its turn, so pipelined counted calls still share the store's round trips.
    /// </summary>
    public bool ListingWaiting => Volatile.Read(ref _listing) > 0;

    /// <summary>Takes the next turn; call it on the pump, in arrival order.</summary>
    /// <param name="listing">The call waits for the guard's listing (or to be decided after one that does).</param>
    public Turn Take(bool listing)
    {
        lock (_lock)
        {
            return Open(listing, shared: false);
        }
    }

    /// <summary>
    /// The turn of a call held only for its count (<see cref="CountedCalls"/>, which sends them one after another
    /// in arrival order): when the latest turn taken is such a turn and still out, the call joins it instead of
    /// taking a turn of its own, so a burst of counted calls is one turn, not a chain of them. Leave it with <see
    /// cref="Turn.Leave"/>; it ends when its last call left.
    /// </summary>
    public Turn TakeCounted()
    {
        lock (_lock)
        {
            if (_latest is { IsShared: true } latest && latest.TryJoin())
            {
                return latest;
            }

            return Open(listing: false, shared: true);
        }
    }

    /// <summary>A new turn after every one taken so far; called under the lock.</summary>
    private Turn Open(bool listing, bool shared)
    {
        var turn = new Turn(this, _allEarlier, listing, shared);
        _listing += listing ? 1 : 0;
        _latest = turn;

        // The next turn waits for this one and, through it, for every earlier one: a turn given up early (a
        // withdrawn call) never lets a later call pass one still out before it.
        _allEarlier = Task.WhenAll(_allEarlier, turn.Ended);
        _out++;
        return turn;
    }

    private void Ended(bool listing)
    {
        lock (_lock)
        {
            _out--;
            _listing -= listing ? 1 : 0;
        }
    }

    /// <summary>One call's place in the order.</summary>
    internal sealed class Turn(ArrivalOrder order, Task earlier, bool listing, bool shared = false)
    {
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // The calls in a shared turn that have not left it yet (changed under the order's lock).
        private int _members = shared ? 1 : 0;

        public bool IsShared => shared;

        public Task Ended => _ended.Task;

        /// <summary>Completes once every earlier turn is over.</summary>
        public Task WaitAsync(CancellationToken cancellationToken) => earlier.WaitAsync(cancellationToken);

        /// <summary>
        /// This call is decided and sent, withdrawn, or waits for a person: later calls may go. Idempotent.
        /// </summary>
        public void End()
        {
            if (_ended.TrySetResult())
            {
                order.Ended(listing);
            }
        }

        /// <summary>One call of a shared turn is sent (or given up): the turn ends with its last call.</summary>
        public void Leave()
        {
            bool last;
            lock (order._lock)
            {
                last = --_members == 0;
            }

            if (last)
            {
                End();
            }
        }

        /// <summary>Joins a shared turn that is still out; called under the order's lock.</summary>
        internal bool TryJoin()
        {
            if (_members == 0)
            {
                return false;
            }

            _members++;
            return true;
        }
    }
}
