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
    private int _out;

    /// <summary>True while some call's turn is out: a new call must then take a turn behind it.</summary>
    public bool AnyWaiting => Volatile.Read(ref _out) > 0;

    /// <summary>Takes the next turn; call it on the pump, in arrival order.</summary>
    public Turn Take()
    {
        lock (_lock)
        {
            var turn = new Turn(this, _allEarlier);

            // The next turn waits for this one and, through it, for every earlier one: a turn given up early (a
            // withdrawn call) never lets a later call pass one still out before it.
            _allEarlier = Task.WhenAll(_allEarlier, turn.Ended);
            _out++;
            return turn;
        }
    }

    private void Ended()
    {
        lock (_lock)
        {
            _out--;
        }
    }

    /// <summary>One call's place in the order.</summary>
    internal sealed class Turn(ArrivalOrder order, Task earlier)
    {
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Ended => _ended.Task;

        /// <summary>Completes once every earlier turn is over.</summary>
        public Task WaitAsync(CancellationToken cancellationToken) => earlier.WaitAsync(cancellationToken);

        /// <summary>This call is decided and sent, withdrawn, or waits for a person: later calls may go. Idempotent.</summary>
        public void End()
        {
            if (_ended.TrySetResult())
            {
                order.Ended();
            }
        }
    }
}
