using System.Runtime.InteropServices;
using McpGuard.Policy.Values;

namespace McpGuard.State;

/// <summary>
/// The bucket writes of one SQLite transaction, kept until it commits (or until a statement reads buckets), so a
/// bucket that many decisions of a group commit join is written once, as the last of them left it: a burst of
/// pipelined calls on one counter is one <c>UPDATE</c> per transaction instead of one per call. Nothing here is
/// seen by another process before the commit either way, and an answer is still given only after it.
/// A counter's row remembers where its last write went (<see cref="Slot"/>), so the decisions after the first that
/// join the same bucket in one transaction change that write without looking it up.
/// </summary>
internal sealed class SqliteBucketWrites
{
    private readonly Dictionary<(long Counter, long Opened), int> _index = [];
    private readonly List<(long Counter, long Opened, Pending Write)> _order = [];

    /// <summary>Changed by every <see cref="Clear"/>: a row's <see cref="Slot"/> from before is never used.</summary>
    private int _generation = 1;

    public bool IsEmpty => _order.Count == 0;

    /// <summary>A new bucket of the counter, opened (and last joined) at <paramref name="opened"/>.</summary>
    public void Insert(long counter, long opened, StrictDecimal amount, StrictDecimal total) =>
        Write(counter, opened, out _, out _) = new Pending(IsNew: true, opened, amount, total);

    /// <summary>An existing bucket's new end, amount and total (a new one stays one to insert).</summary>
    public void Update(long counter, long opened, long last, StrictDecimal amount, StrictDecimal total)
    {
        ref var pending = ref Write(counter, opened, out var existed, out _);
        pending = new Pending(existed && pending.IsNew, last, amount, total);
    }

    /// <summary>
    /// <see cref="Update(long, long, long, StrictDecimal, StrictDecimal)"/> for a counter's row, through the place its
    /// last write went when that was this bucket in this transaction.
    /// </summary>
    public void Update(SqliteCounterRow row, long opened, long last, StrictDecimal amount, StrictDecimal total)
    {
        var slot = row.PendingWrite;
        if (slot.Generation == _generation && slot.Opened == opened)
        {
            ref var entry = ref CollectionsMarshal.AsSpan(_order)[slot.Index];
            entry.Write = entry.Write with { Last = last, Amount = amount, Total = total };
            return;
        }

        ref var pending = ref Write(row.Id, opened, out var existed, out var index);
        pending = new Pending(existed && pending.IsNew, last, amount, total);
        row.PendingWrite = new Slot(_generation, opened, index);
    }

    /// <summary>
    /// <see cref="Insert(long, long, StrictDecimal, StrictDecimal)"/> for a counter's row, which remembers where the
    /// write went.
    /// </summary>
    public void Insert(SqliteCounterRow row, long opened, StrictDecimal amount, StrictDecimal total)
    {
        Write(row.Id, opened, out _, out var index) = new Pending(IsNew: true, opened, amount, total);
        row.PendingWrite = new Slot(_generation, opened, index);
    }

    /// <summary>Writes what is pending, in the order it was first written, and forgets it.</summary>
    public void Flush(SqliteCounterStatements statements)
    {
        try
        {
            foreach (var (counter, opened, (isNew, last, amount, total)) in _order)
            {
                if (isNew)
                {
                    statements.InsertBucket.Execute(counter, opened, last, amount, total);
                }
                else
                {
                    statements.UpdateBucket.Execute(counter, opened, last, amount, total);
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
        _index.Clear();
        _order.Clear();
        _generation++;
    }

    /// <summary>The bucket's pending write, made (and put in order) when it has none yet: one lookup.</summary>
    private ref Pending Write(long counter, long opened, out bool existed, out int index)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, (counter, opened), out existed);
        if (!existed)
        {
            slot = _order.Count;
            _order.Add((counter, opened, default));
        }

        index = slot;
        return ref CollectionsMarshal.AsSpan(_order)[index].Write;
    }

    /// <summary>Where a bucket's pending write is: valid in the transaction (generation) that made it.</summary>
    internal readonly record struct Slot(int Generation, long Opened, int Index);

    private readonly record struct Pending(bool IsNew, long Last, StrictDecimal Amount, StrictDecimal Total);
}
