using System.Runtime.InteropServices;
using McpGuard.Policy.Values;

namespace McpGuard.State;

/// <summary>
/// The bucket writes of one SQLite transaction, kept until it commits (or until a statement reads buckets), so a
/// counter's head (its newest bucket, see <see cref="SqliteCounterStore"/>) that many decisions of a group commit join
/// is written once, as the last of them left it: a burst of pipelined calls on one counter is one <c>UPDATE</c> per
/// transaction instead of one per call. A head a call moved down into the older buckets (it opened a new one) is an
/// insert of its own, made before the heads' writes. Nothing here is seen by another process before the commit
/// either way, and an answer is still given only after it. A counter's row remembers where its head's write went
/// (<see cref="Slot"/>), so the decisions after the first in one transaction change that write without looking it up.
/// </summary>
internal sealed class SqliteBucketWrites
{
    private readonly Dictionary<long, int> _index = [];
    private readonly List<(long Counter, Pending Write)> _heads = [];
    private readonly List<(long Counter, Pending Write)> _tails = [];

    /// <summary>Changed by every <see cref="Clear"/>: a row's <see cref="Slot"/> from before is never used.</summary>
    private int _generation = 1;

    public bool IsEmpty => _heads.Count == 0 && _tails.Count == 0;

    /// <summary>
    /// The counter's head as a decision left it. <paramref name="inFile"/>: the file holds a head for the counter (it
    /// is updated, else inserted), as the first write of the counter since the last flush saw it.
    /// </summary>
    public void Head(long counter, bool inFile, long opened, long last, StrictDecimal amount, StrictDecimal total) =>
        Write(counter, inFile, opened, last, amount, total);

    /// <summary>
    /// <see cref="Head(long, bool, long, long, StrictDecimal, StrictDecimal)"/> for a counter's row, through the place
    /// its last write went when that was in this transaction.
    /// </summary>
    public void Head(
        SqliteCounterRow row, bool inFile, long opened, long last, StrictDecimal amount, StrictDecimal total)
    {
        var slot = row.PendingWrite;
        if (slot.Generation == _generation)
        {
            ref var entry = ref CollectionsMarshal.AsSpan(_heads)[slot.Index];
            entry.Write = entry.Write with { Opened = opened, Last = last, Amount = amount, Total = total };
            return;
        }

        row.PendingWrite = new Slot(_generation, Write(row.Id, inFile, opened, last, amount, total));
    }

    /// <summary>A head moved down into the older buckets: inserted there as it was.</summary>
    public void Tail(long counter, long opened, long last, StrictDecimal amount, StrictDecimal total) =>
        _tails.Add((counter, new Pending(InFile: false, opened, last, amount, total)));

    /// <summary>Writes what is pending (the older buckets first, then the heads in order) and forgets it.</summary>
    public void Flush(SqliteCounterStatements statements)
    {
        try
        {
            foreach (var (counter, (_, opened, last, amount, total)) in _tails)
            {
                statements.InsertTail.Execute(counter, opened, last, amount, total);
            }

            foreach (var (counter, (inFile, opened, last, amount, total)) in _heads)
            {
                (inFile ? statements.UpdateHead : statements.InsertHead).Execute(counter, opened, last, amount, total);
            }
        }
        finally
        {
            Clear();
        }
    }

    /// <summary>Drops what is pending: its transaction rolled back, or it was written.</summary>
    public void Clear()
    {
        _index.Clear();
        _heads.Clear();
        _tails.Clear();
        _generation++;
    }

    /// <summary>
    /// Sets the counter's pending head write, made (and put in order) when it has none yet, in one lookup; whether
    /// the file holds the head stays as the first write said. Returns where it is.
    /// </summary>
    private int Write(long counter, bool inFile, long opened, long last, StrictDecimal amount, StrictDecimal total)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, counter, out var existed);
        if (!existed)
        {
            slot = _heads.Count;
            _heads.Add((counter, new Pending(inFile, opened, last, amount, total)));
            return slot;
        }

        ref var entry = ref CollectionsMarshal.AsSpan(_heads)[slot];
        entry.Write = entry.Write with { Opened = opened, Last = last, Amount = amount, Total = total };
        return slot;
    }

    /// <summary>Where a counter's pending head write is: valid in the transaction (generation) that made it.</summary>
    internal readonly record struct Slot(int Generation, int Index);

    private readonly record struct Pending(
        bool InFile, long Opened, long Last, StrictDecimal Amount, StrictDecimal Total);
}
