using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;

namespace McpGuard.State;

/// <summary>
/// A counter as this connection last read or wrote it: its row, its sum over all its buckets (the newest one's
/// total), when its oldest bucket leaves, its newest bucket. One object per counter, changed in place by each
/// decision that counts in it, so a decision finds its counter once and a group commit's decisions on one counter
/// need no lookup to update it (issue 27, tenth session: three lookups per counter and decision were most of
/// <c>Decide</c>'s own code). Used under the store's one-transaction-at-a-time gate only.
/// </summary>
internal sealed class SqliteCounterRow(long id, StrictDecimal sum, long? oldestLastTicks, CounterBucket? newest)
{
    public long Id { get; } = id;

    public StrictDecimal Sum { get; set; } = sum;

    public long? OldestLastTicks { get; set; } = oldestLastTicks;

    public CounterBucket? Newest { get; set; } = newest;

    /// <summary>Where this counter's newest pending bucket write is (<see cref="SqliteBucketWrites"/>).</summary>
    public SqliteBucketWrites.Slot PendingWrite { get; set; }
}
