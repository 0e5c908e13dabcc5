namespace McpGuard.Telemetry;

/// <summary>
/// Encoded span fields whose values mostly repeat from one span to the next (the name; the attributes a session's
/// requests share, like the method, transport and tool; the decision's, like the agent, rule and risk): their bytes
/// are kept with the values they were encoded from, so a span with the same values (a string compare each, mostly
/// of the same instance) copies them in one go instead of encoding each field again. Used by one export thread.
/// </summary>
internal sealed class RepeatedBlock
{
    /// <summary>Longer encodings (a huge tool name) are written every time rather than kept.</summary>
    private const int MaxKept = 4096;

    private readonly string?[] _values = new string?[8];
    private readonly byte[] _encoded = new byte[MaxKept];
    private int _count = -1;
    private int _length;

    /// <summary>Writes the kept bytes if they were encoded from <paramref name="values"/>; false if not.</summary>
    public bool TryCopy(ProtoWriter writer, ReadOnlySpan<string?> values)
    {
        if (values.Length != _count)
        {
            return false;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (!string.Equals(values[i], _values[i])) // ordinal, the same instance first
            {
                return false;
            }
        }

        writer.Raw(_encoded.AsSpan(0, _length));
        return true;
    }

    /// <summary>Keeps what was written from <paramref name="start"/> on as the encoding of the values.</summary>
    public void Keep(ProtoWriter writer, int start, ReadOnlySpan<string?> values)
    {
        var written = writer.From(start);
        if (written.Count > MaxKept || values.Length > _values.Length)
        {
            _count = -1;
            return;
        }

        written.AsSpan().CopyTo(_encoded);
        _length = written.Count;
        values.CopyTo(_values);
        _count = values.Length;
    }
}
