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

    private readonly List<(int Start, int Length)> _names = [];
    private readonly List<int> _objectStarts = [];

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
