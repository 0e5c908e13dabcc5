using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using McpGuard.Stdio;

namespace McpGuard.Tests.Stdio;

/// <summary>
/// The framer over a real in-memory <see cref="Pipe"/>, driven the way <see cref="MessagePump"/> drives it:
/// write a chunk, read, take every complete line, mark the rest examined, repeat.
/// </summary>
public sealed class LineFramerTests
{
    [Fact]
    public async Task TryReadLine_LinesSplitAcrossOneByteReads_EachLineWhole()
    {
        var framed = await FrameAsync(Chunks("a\nbb\nccc\n"u8.ToArray(), 1));

        Assert.Equal(["a", "bb", "ccc"], framed.Lines);
        Assert.Null(framed.Final);
    }

    [Fact]
    public async Task TryReadLine_ManyLinesInOneRead_AllReturnedInOrder()
    {
        var text = string.Concat(Enumerable.Range(0, 1000).Select(i => $"line {i}\n"));

        var framed = await FrameAsync([Encoding.UTF8.GetBytes(text)]);

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"line {i}"), framed.Lines);
    }

    [Fact]
    public async Task TryReadLine_Crlf_KeepsCrForThePumpToStrip()
    {
        var framed = await FrameAsync(Chunks("a\r\nb\r\n"u8.ToArray(), 3));

        Assert.Equal(["a\r", "b\r"], framed.Lines);
    }

    [Fact]
    public async Task TryReadFinalLine_UnterminatedLastLine_ReturnedAtEnd()
    {
        var framed = await FrameAsync(Chunks("first\nlast"u8.ToArray(), 2));

        Assert.Equal(["first"], framed.Lines);
        Assert.Equal("last", framed.Final);
    }

    [Fact]
    public async Task TryReadLine_EmptyLines_ReturnedEmptyForTheValidatorToIgnore()
    {
        var framed = await FrameAsync([Encoding.UTF8.GetBytes("\n\na\n\n")]);

        Assert.Equal(["", "", "a", ""], framed.Lines);
        Assert.Null(framed.Final);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(4096)]
    public async Task TryReadLine_OversizedLine_DroppedAndNextLineStillRead(int chunkSize)
    {
        var input = Encoding.UTF8.GetBytes("short\n" + new string('x', 100) + "\nnext\n");

        var framed = await FrameAsync(Chunks(input, chunkSize), maxLineBytes: 10);

        Assert.Equal(["short", "next"], framed.Lines);
        Assert.Equal(1, framed.DroppedReports);
    }

    [Fact]
    public async Task TryReadLine_LineOfExactlyMaxBytes_Kept_OneMore_Dropped()
    {
        var input = Encoding.UTF8.GetBytes("1234567890\n12345678901\nok\n");

        var framed = await FrameAsync(Chunks(input, 1), maxLineBytes: 10);

        Assert.Equal(["1234567890", "ok"], framed.Lines);
        Assert.Equal(1, framed.DroppedReports);
    }

    [Fact]
    public async Task TryReadFinalLine_OversizedUnterminatedLine_NotReturned()
    {
        var framed = await FrameAsync(
            Chunks(Encoding.UTF8.GetBytes("ok\n" + new string('x', 100)), 7), maxLineBytes: 10);

        Assert.Equal(["ok"], framed.Lines);
        Assert.Null(framed.Final);
    }

    [Fact]
    public async Task TryReadLine_TwoOversizedLinesInARow_BothDroppedEachReported()
    {
        var input = Encoding.UTF8.GetBytes(new string('x', 50) + "\n" + new string('y', 50) + "\nz\n");

        var framed = await FrameAsync(Chunks(input, 8), maxLineBytes: 10);

        Assert.Equal(["z"], framed.Lines);
        Assert.Equal(2, framed.DroppedReports);
    }

    [Fact]
    public async Task TryReadLine_FiftyMegabyteLine_FramedIntact()
    {
        var line = RandomLine(50 * 1024 * 1024);
        var input = new byte[line.Length + 1];
        line.CopyTo(input, 0);
        input[^1] = (byte)'\n';

        var framed = await FrameAsync(Chunks(input, 64 * 1024), hashOnly: true);

        Assert.Equal([Convert.ToHexString(SHA256.HashData(line))], framed.Lines);
    }

    /// <summary>
    /// A scanner that restarted at the line's start on every read would do ~50 billion byte checks here.
    /// </summary>
    [Fact]
    public async Task TryReadLine_TwentyMegabyteLineInFourKilobyteReads_FramedIntactBetweenSmallLines()
    {
        var line = RandomLine(20 * 1024 * 1024);
        var input = new MemoryStream();
        input.Write("before\n"u8);
        input.Write(line);
        input.Write("\nafter\n"u8);

        var framed = await FrameAsync(Chunks(input.ToArray(), 4096), hashOnly: true);

        Assert.Equal(
            [
                Convert.ToHexString(SHA256.HashData("before"u8)), Convert.ToHexString(SHA256.HashData(line)),
                Convert.ToHexString(SHA256.HashData("after"u8))],
            framed.Lines);
    }

    private static byte[] RandomLine(int length)
    {
        // A random printable pattern (no '\n') of prime length, repeated: a chunk cut or moved shows in the hash.
        var pattern = new byte[251];
        new Random(length).NextBytes(pattern);
        for (var i = 0; i < pattern.Length; i++)
        {
            pattern[i] = (byte)(' ' + (pattern[i] % 94));
        }

        var bytes = new byte[length];
        pattern.AsSpan(0, Math.Min(pattern.Length, length)).CopyTo(bytes);
        for (var filled = pattern.Length; filled < length; filled *= 2)
        {
            bytes.AsSpan(0, Math.Min(filled, length - filled)).CopyTo(bytes.AsSpan(filled));
        }

        return bytes;
    }

    private static IEnumerable<byte[]> Chunks(byte[] input, int size)
    {
        for (var offset = 0; offset < input.Length; offset += size)
        {
            yield return input[offset..Math.Min(input.Length, offset + size)];
        }
    }

    private sealed record Framed(List<string> Lines, string? Final, int DroppedReports);

    private static async Task<Framed> FrameAsync(
        IEnumerable<byte[]> chunks, long maxLineBytes = 256L * 1024 * 1024, bool hashOnly = false)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 4096));
        var framer = new LineFramer(maxLineBytes);
        var lines = new List<string>();
        var dropped = 0;
        string? final = null;

        string Text(ReadOnlySequence<byte> line) =>
            hashOnly ? Convert.ToHexString(SHA256.HashData(line.ToArray())) : Encoding.UTF8.GetString(line);

        async Task DrainAsync(bool completed)
        {
            var result = await pipe.Reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (framer.TryReadLine(ref buffer, out var line))
            {
                lines.Add(Text(line));
            }

            if (completed && framer.TryReadFinalLine(ref buffer, out var last))
            {
                final = Text(last);
            }

            dropped += framer.DroppedOversizedLines;
            framer.DroppedOversizedLines = 0;

            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        foreach (var chunk in chunks)
        {
            await pipe.Writer.WriteAsync(chunk, cancellationToken);
            await DrainAsync(completed: false);
        }

        await pipe.Writer.CompleteAsync();
        await DrainAsync(completed: true);
        return new Framed(lines, final, dropped);
    }
}
