using System.Runtime.InteropServices;
using McpGuard.Policy.Values;

namespace McpGuard.State;

/// <summary>
/// The bucket writes of one SQLite transaction, kept until it commits (or until a statement reads buckets), so a
/// bucket that many decisions of a group commit join is written once, as the last of them left it: a burst of
/// pipelined calls on one counter is one <c>UPDATE</c> per transaction instead of one per call. Nothing here is
/// seen by another process before the commit either way, and an answer is still given only after it.
/// </summary>
internal sealed class SqliteBucketWrites
{
    private readonly Dictionary<(long Counter, long Opened), Pending> _pending = [];
    private readonly List<(long Counter, long Opened)> _order = [];

    public bool IsEmpty => _order.Count == 0;

    /// <summary>A new bucket of the counter, opened (and last joined) at <paramref name="opened"/>.</summary>
    public void Insert(long counter, long opened, StrictDecimal amount, StrictDecimal total) =>
        Slot(counter, opened, out _) = new Pending(IsNew: true, opened, amount, total);

    /// <summary>An existing bucket's new end, amount and total (a new one stays one to insert).</summary>
    public void Update(long counter, long opened, long last, StrictDecimal amount, StrictDecimal total)
    {
        ref var pending = ref Slot(counter, opened, out var existed);
        pending = new Pending(existed && pending.IsNew, last, amount, total);
    }

    /// <summary>Writes what is pending, in the order it was first written, and forgets it.</summary>
    public void Flush(SqliteCounterStatements statements)
    {
        try
        {
            foreach (var key in _order)
            {
                var (isNew, last, amount, total) = _pending[key];
                if (isNew)
                {
                    statements.InsertBucket.Execute(key.Counter, key.Opened, last, amount, total);
                }
                else
                {
                    statements.UpdateBucket.Execute(key.Counter, key.Opened, last, amount, total);
                }
            }
        }
        finally
        {
            Clear();
        }
    }

    /// <summary>Drops what is pending: its transaction rolled back.</summary>
    public void Clear()
    {
        _pending.Clear();
        _order.Clear();
    }

    /// <summary>The bucket's pending write, made (and put in order) when it has none yet: one lookup.</summary>
    private ref Pending Slot(long counter, long opened, out bool existed)
    {
        ref var pending = ref CollectionsMarshal.GetValueRefOrAddDefault(_pending, (counter, opened), out existed);
        if (!existed)
        {
            _order.Add((counter, opened));
        }

        return ref pending;
    }

    private readonly record struct Pending(bool IsNew, long Last, StrictDecimal Amount, StrictDecimal Total);
}
