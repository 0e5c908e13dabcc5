using System.Buffers;

namespace McpGuard.Session;

/// <summary>A byte search over a whole message, so the handlers parse only the messages that can matter.</summary>
internal static class MessageSearch
{
    public static bool Contains(ReadOnlySequence<byte> line, ReadOnlySpan<byte> value) =>
        line.IsSingleSegment
            ? line.FirstSpan.IndexOf(value) >= 0
            : new SequenceReader<byte>(line).TryReadTo(
                out ReadOnlySequence<byte> _, value, advancePastDelimiter: false);
}
