using System.Buffers;

namespace McpGuard.Stdio;

/// <summary>A byte search over a framed line, so the handlers parse only the lines that can matter.</summary>
internal static class LineSearch
{
    public static bool Contains(ReadOnlySequence<byte> line, ReadOnlySpan<byte> value) =>
        line.IsSingleSegment ? line.FirstSpan.IndexOf(value) >= 0 : new SequenceReader<byte>(line).TryReadTo(out ReadOnlySequence<byte> _, value, advancePastDelimiter: false);
}
