using System.Buffers;

namespace McpGuard.Stdio;

/// <summary>
/// Keeps a message on one line. A message from the stdio pump never holds a newline (the framer cut there), but one
/// from another transport may: an HTTP body can use raw newlines as JSON whitespace. Outside strings a newline can
/// only be whitespace (inside one it must be escaped), so writing a space instead keeps the message's meaning.
/// </summary>
internal static class OneLine
{
    private const int Chunk = 4096;

    public static bool HasNewline(ReadOnlySequence<byte> message)
    {
        foreach (var segment in message)
        {
            if (segment.Span.Contains((byte)'\n'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> with every newline written as a space; a vectorised search when there is none.
    /// </summary>
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        if (!bytes.Contains((byte)'\n'))
        {
            writer.Write(bytes);
            return;
        }

        while (!bytes.IsEmpty)
        {
            var part = bytes[..Math.Min(Chunk, bytes.Length)];
            var destination = writer.GetSpan(part.Length);
            part.Replace(destination, (byte)'\n', (byte)' ');
            writer.Advance(part.Length);
            bytes = bytes[part.Length..];
        }
    }
}
