using System.Buffers;
using System.Globalization;
using System.Text;

namespace McpGuard.Tests.TestUtils;

internal static class WireBytes
{
    /// <summary>
    /// UTF-8 of <paramref name="text"/>, where <c>%XX</c> stands for the raw byte 0xXX (for invalid UTF-8).
    /// </summary>
    public static byte[] Decode(string text)
    {
        var bytes = new List<byte>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '%' && i + 3 <= text.Length)
            {
                bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 3;
                continue;
            }

            var next = text.IndexOf('%', i);
            var end = next < 0 ? text.Length : next;
            bytes.AddRange(Encoding.UTF8.GetBytes(text[i..end]));
            i = end;
        }

        return [.. bytes];
    }

    /// <summary>The bytes as a sequence of many small segments, as a pipe hands them over after many reads.</summary>
    public static ReadOnlySequence<byte> Segmented(ReadOnlySpan<byte> bytes, int segmentSize)
    {
        if (bytes.IsEmpty)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var chunk = bytes[offset..Math.Min(bytes.Length, offset + segmentSize)].ToArray();
            if (last is null)
            {
                first = last = new Segment(chunk, 0);
            }
            else
            {
                last = last.Append(chunk);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
