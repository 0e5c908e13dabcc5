namespace McpGuard.Http.Upstream;

/// <summary>
/// The property names of the objects a reader is inside, for telling a duplicate key at any depth without a
/// document. Names are ranges of the message's own bytes (unescaped names only); an object grows no set: its names
/// are compared one by one, so an object with more than <see cref="MaxCompared"/> of them is left to a document.
/// </summary>
internal sealed class PropertyNames
{
    /// <summary>Past this many names in one object, comparing each new one with all of them costs too much.</summary>
    private const int MaxCompared = 32;

    /// <summary>Lists grown past this by a large message are not kept for the thread's next one.</summary>
    private const int MaxKept = 1024;

    /// <summary>
    /// One per thread, used again by every check on it (a check never awaits, so one thread runs one at a time). New
    /// lists per answer, grown from nothing (the object, two lists, their arrays, a resize), were ~1,000 of a small
    /// answer's ~8,500 check instructions (callgrind, `run --url`).
    /// </summary>
    [ThreadStatic]
    private static PropertyNames? t_reused;

    private List<(int Start, int Length)> _names = new(16);
    private List<int> _objectStarts = new(8);

    /// <summary>This thread's instance, emptied (a check that stopped early may have left names in it).</summary>
    public static PropertyNames ForThisThread()
    {
        var names = t_reused ??= new PropertyNames();
        if (names._names.Capacity > MaxKept || names._objectStarts.Capacity > MaxKept)
        {
            (names._names, names._objectStarts) = (new(16), new(8));
        }

        names._names.Clear();
        names._objectStarts.Clear();
        return names;
    }

    public void OpenObject() => _objectStarts.Add(_names.Count);

    public void CloseObject()
    {
        var start = _objectStarts[^1];
        _objectStarts.RemoveAt(_objectStarts.Count - 1);
        _names.RemoveRange(start, _names.Count - start);
    }

    /// <summary>Adds a name of the innermost open object.</summary>
    /// <returns>Valid when it is new there, Invalid for a duplicate, Undecided past the comparison bound.</returns>
    public InboundCheck Add(ReadOnlySpan<byte> message, int start, int length)
    {
        var first = _objectStarts[^1];
        if (_names.Count - first >= MaxCompared)
        {
            return InboundCheck.Undecided;
        }

        var name = message.Slice(start, length);
        for (var i = first; i < _names.Count; i++)
        {
            var (otherStart, otherLength) = _names[i];
            if (message.Slice(otherStart, otherLength).SequenceEqual(name))
            {
                return InboundCheck.Invalid;
            }
        }

        _names.Add((start, length));
        return InboundCheck.Valid;
    }
}
