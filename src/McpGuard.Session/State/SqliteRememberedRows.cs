using System.Diagnostics.CodeAnalysis;
using McpGuard.Policy.Limits;

namespace McpGuard.State;

/// <summary>
/// The counters' rows a SQLite connection remembers (<see cref="SqliteCounterStore"/>), by counter, with a few slots
/// in front of the dictionary picked by the counter's hash: a decision finds each of its counters (three for the
/// benchmark's policy) in its slot, by a compare of the identity's references, instead of a dictionary lookup and a
/// full compare (~470 instructions a call; bench/HISTORY.md, issue 27, twentieth session). A slot only ever holds what
/// the dictionary holds for its counter: every change goes through here and updates or empties it.
/// Used under the store's one-transaction-at-a-time gate only.
/// </summary>
internal sealed class SqliteRememberedRows
{
    /// <summary>A power of two (a hash picks a slot with a mask); a policy rarely counts in more counters.</summary>
    private const int SlotCount = 8;

    private readonly Dictionary<CounterId, SqliteCounterRow> _rows = [];

    private readonly Slot[] _slots = new Slot[SlotCount];

    public bool TryGet(in CounterId counter, [MaybeNullWhen(false)] out SqliteCounterRow row)
    {
        ref var slot = ref SlotOf(counter);
        if (slot.Row is { } known && Same(in slot.Counter, counter))
        {
            row = known;
            return true;
        }

        if (!_rows.TryGetValue(counter, out row))
        {
            return false;
        }

        slot = new Slot(counter, row);
        return true;
    }

    public void Set(in CounterId counter, SqliteCounterRow row)
    {
        _rows[counter] = row;
        SlotOf(counter) = new Slot(counter, row);
    }

    public void Remove(in CounterId counter)
    {
        _rows.Remove(counter);
        ref var slot = ref SlotOf(counter);
        if (slot.Row is not null && Same(in slot.Counter, counter))
        {
            slot = default;
        }
    }

    public void Clear()
    {
        _rows.Clear();
        Array.Clear(_slots);
    }

    public Dictionary<CounterId, SqliteCounterRow>.Enumerator GetEnumerator() => _rows.GetEnumerator();

    private ref Slot SlotOf(in CounterId counter) => ref _slots[counter.GetHashCode() & (SlotCount - 1)];

    /// <summary>
    /// The same counter: the common case first, the very identity a policy keeps for a fixed limit (the same strings
    /// and <c>per</c> array, <c>==</c> on an <c>ImmutableArray</c> compares the arrays), else by value.
    /// </summary>
    private static bool Same(in CounterId kept, in CounterId counter) =>
        (ReferenceEquals(kept.Entry, counter.Entry) && ReferenceEquals(kept.Namespace, counter.Namespace)
            && kept.Kind == counter.Kind && kept.Window == counter.Window && kept.Per == counter.Per)
        || (kept.GetHashCode() == counter.GetHashCode() && kept.Equals(counter));

    /// <summary>
    /// Plain fields, not a record's properties: a property hands the 48-byte identity back by value, a copy on every
    /// compare; a field is compared where it lies.
    /// </summary>
    private readonly struct Slot(CounterId counter, SqliteCounterRow? row)
    {
        public readonly CounterId Counter = counter;

        public readonly SqliteCounterRow? Row = row;
    }
}
