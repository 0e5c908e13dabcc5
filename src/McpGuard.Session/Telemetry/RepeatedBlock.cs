using System.Runtime.CompilerServices;

namespace McpGuard.Telemetry;

/// <summary>
/// Encoded span fields whose values mostly repeat from one span to the next (the name and the attributes a session's
/// requests share, like the tool, method and transport; the decision's, like the rule, risk and agent): the bytes of
/// the last few different runs are kept with the values they were encoded from, so a span with the same values as
/// one of them (a string compare each, mostly of the same instance) copies them in one go instead of encoding each
/// field again. A few, not one: an agent that alternates between tools, or between an allowed and a denied call,
/// finds its runs still kept. Used by one export thread.
/// </summary>
internal sealed class RepeatedBlock
{
    private const int Kept = 4;

    /// <summary>Longer encodings (a huge tool name) are written every time rather than kept.</summary>
    private const int MaxKept = 2048;

    private readonly Run[] _runs = [new(), new(), new(), new()];
    private int _last;

    /// <summary>Writes the kept bytes if they were encoded from <paramref name="values"/>; false if not.</summary>
    public bool TryCopy(ProtoWriter writer, ReadOnlySpan<string?> values)
    {
        var at = _last;
        for (var i = 0; i < Kept; i++)
        {
            var run = _runs[at];
            if (run.Matches(values))
            {
                writer.Raw(run.Encoded.AsSpan(0, run.Length));
                _last = at;
                return true;
            }

            at = at == Kept - 1 ? 0 : at + 1;
        }

        return false;
    }

    /// <summary>
    /// Keeps what was written from <paramref name="start"/> on as the encoding of the values, in place of the run
    /// <see cref="TryCopy"/> checks last (the ones found since are checked first).
    /// </summary>
    public void Keep(ProtoWriter writer, int start, ReadOnlySpan<string?> values)
    {
        var written = writer.From(start);
        if (written.Count > MaxKept || values.Length > Run.MaxValues)
        {
            return;
        }

        _last = (_last + Kept - 1) % Kept;
        var run = _runs[_last];
        written.AsSpan().CopyTo(run.Encoded);
        run.Length = written.Count;
        values.CopyTo(run.Values);
        run.Count = values.Length;
    }

    private sealed class Run
    {
        public const int MaxValues = 8;

        public string?[] Values { get; } = new string?[MaxValues];

        public byte[] Encoded { get; } = new byte[MaxKept];

        public int Count { get; set; } = -1;

        public int Length { get; set; }

        public bool Matches(ReadOnlySpan<string?> values)
        {
            if (values.Length != Count)
            {
                return false;
            }

            if (values.Length == 5)
            {
                // Both blocks' five values, unrolled: the loop's counter and checks were half of a compare that
                // mostly finds the same instances (bench/HISTORY.md).
                var five = Values.AsSpan(0, 5);
                return Same(values[0], five[0]) && Same(values[1], five[1]) && Same(values[2], five[2])
                    && Same(values[3], five[3]) && Same(values[4], five[4]);
            }

            var kept = Values.AsSpan(0, values.Length); // one check here, none in the loop
            for (var i = 0; i < values.Length; i++)
            {
                if (!Same(values[i], kept[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The same instance first, without a call (string.Equals is not inlined); then ordinal.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Same(string? value, string? kept) =>
            ReferenceEquals(value, kept) || string.Equals(value, kept);
    }
}
