namespace McpGuard.Telemetry;

/// <summary>
/// A caller's trace context from a W3C <c>traceparent</c> (and <c>tracestate</c>) in a request's <c>_meta</c>: the
/// trace the guard's SERVER span joins and the caller's span that is its parent. <see cref="Exists"/> is false for
/// none or a malformed one (the span is then a root, as the W3C rules say to treat an invalid header).
/// </summary>
internal readonly record struct TraceParent(
    ulong TraceIdHigh, ulong TraceIdLow, ulong SpanId, byte Flags, string? State)
{
    /// <summary>W3C's limit for a <c>tracestate</c> a participant must pass on; a longer one is left out.</summary>
    private const int MaxStateLength = 512;

    public bool Exists => SpanId != 0;

    /// <summary>The caller recorded its span (the <c>sampled</c> flag), which parent-based samplers follow.</summary>
    public bool Sampled => (Flags & 1) != 0;

    /// <summary>
    /// <c>version-traceid-parentid-flags</c> in lowercase hex; a version other than 00 may carry more after a dash,
    /// ff is invalid, and all-zero ids are invalid.
    /// </summary>
    public static TraceParent Parse(string? traceParent, string? traceState)
    {
        if (traceParent is not { Length: >= 55 } text || text[2] != '-' || text[35] != '-' || text[52] != '-'
            || !Hex(text.AsSpan(0, 2), out var version) || version == 0xff
            || (version == 0 ? text.Length != 55 : text.Length > 55 && text[55] != '-')
            || !Hex(text.AsSpan(3, 16), out var high) || !Hex(text.AsSpan(19, 16), out var low)
            || !Hex(text.AsSpan(36, 16), out var span) || !Hex(text.AsSpan(53, 2), out var flags)
            || (high | low) == 0 || span == 0)
        {
            return default;
        }

        var state = traceState is { Length: > 0 and <= MaxStateLength } ? traceState : null;
        return new TraceParent(high, low, span, (byte)flags, state);
    }

    private static bool Hex(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (var c in digits)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return true;
    }
}
