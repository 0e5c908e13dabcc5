namespace McpGuard.Telemetry;

/// <summary>
/// A span attribute whose value mostly repeats from one span to the next (the transport, the agent, the method, the
/// tool, the decision, the rule, the risk): its whole encoded <c>KeyValue</c> is kept for the last value, so a span
/// with the same value copies those bytes instead of encoding the string again. Used by the export thread only.
/// </summary>
internal sealed class RepeatedAttribute(string name)
{
    private const byte Tag = 0x4A; // Span.attributes, field 9

    private readonly byte[] _key = OtlpAttributes.Key(name);
    private string? _value;
    private byte[] _encoded = new byte[64];
    private int _length;

    /// <summary>Writes the attribute; none for null.</summary>
    public void Write(ProtoWriter writer, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (!string.Equals(value, _value, StringComparison.Ordinal))
        {
            var start = writer.Length;
            OtlpAttributes.String(writer, Tag, _key, value);
            var written = writer.Written[start..];
            if (written.Count > _encoded.Length)
            {
                _encoded = new byte[written.Count * 2];
            }

            written.CopyTo(_encoded);
            _length = written.Count;
            _value = value;
            return;
        }

        writer.Raw(_encoded.AsSpan(0, _length));
    }
}
