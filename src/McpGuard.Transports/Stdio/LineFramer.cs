using System.Buffers;

namespace McpGuard.Stdio;

/// <summary>
/// Splits a byte stream into newline-delimited messages. Remembers how far it has already searched so a
/// message that arrives in many reads is scanned once (a 50 MB line is not rescanned per read), and
/// discards a line that grows past <see cref="MaxLineBytes"/> instead of buffering without bound.
/// </summary>
internal sealed class LineFramer(long maxLineBytes)
{
    private long _searched;
    private bool _discarding;

    public long MaxLineBytes { get; } = maxLineBytes;

    /// <summary>
    /// How many lines were dropped for being too long since the caller last cleared it. Each line counts once,
    /// however many reads it spans, so the caller can answer each dropped line exactly once.
    /// </summary>
    public int DroppedOversizedLines { get; set; }

    /// <summary>
    /// Takes the next complete line (without its <c>\n</c>) off the front of <paramref name="buffer"/>.
    /// Returns false when no complete line is buffered; the caller then asks for more data.
    /// </summary>
    public bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        while (true)
        {
            // A position found in a slice is valid in the whole buffer, so the line can be cut directly.
            var newline = buffer.Slice(_searched).PositionOf((byte)'\n');
            if (newline is null)
            {
                _searched = buffer.Length;
                if (_discarding || buffer.Length > MaxLineBytes)
                {
                    // Too long to ever forward: drop what we have and keep dropping up to the next newline.
                    if (!_discarding)
                    {
                        _discarding = true;
                        DroppedOversizedLines++;
                    }

                    buffer = buffer.Slice(buffer.End);
                    _searched = 0;
                }

                line = default;
                return false;
            }

            line = buffer.Slice(0, newline.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
            _searched = 0;
            if (_discarding)
            {
                // The end of a line already counted as dropped.
                _discarding = false;
                continue;
            }

            if (line.Length > MaxLineBytes)
            {
                DroppedOversizedLines++;
                continue;
            }

            return true;
        }
    }

    /// <summary>The stream ended with bytes after the last newline; they are a final, unterminated message.</summary>
    public bool TryReadFinalLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        line = buffer;
        buffer = buffer.Slice(buffer.End);
        _searched = 0;
        var discarded = _discarding;
        _discarding = false;
        return !discarded && line.Length > 0 && line.Length <= MaxLineBytes;
    }
}
