using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using McpGuard.Stdio;

namespace McpGuard.Tests.Stdio;

/// <summary>The stdio output keeps one message on one line, whichever transport the message came from.</summary>
public sealed class LineSinkTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task SendAsync_MessageWithRawNewlines_OneLineWithSpacesInstead(int segmentSize)
    {
        var pipe = new Pipe();
        await using var sink = new LineSink(pipe.Writer.AsStream());
        var message = "{\n  \"jsonrpc\": \"2.0\",\r\n  \"method\": \"a\\nb\"\n}"u8.ToArray();

        await sink.SendAsync(Segmented(message, segmentSize), flush: true, TestContext.Current.CancellationToken);

        var read = await pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal("{   \"jsonrpc\": \"2.0\",\r   \"method\": \"a\\nb\" }\n", Encoding.UTF8.GetString(read.Buffer));
    }

    [Fact]
    public async Task SendAsync_BigMessageWithRawNewline_StillOneLine()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await using var sink = new LineSink(pipe.Writer.AsStream());
        var message = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 100_000) + "\",\n\"end\":1}");

        await sink.SendAsync(message, flush: true, TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();

        var bytes = new List<byte>();
        while (true)
        {
            var read = await pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);
            bytes.AddRange(read.Buffer.ToArray());
            pipe.Reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        Assert.Equal(message.Length + 1, bytes.Count);
        Assert.Equal(1, bytes.Count(b => b == (byte)'\n'));
        Assert.Equal((byte)'\n', bytes[^1]);
    }

    [Fact]
    public async Task SendAsync_OnAPumpThreadWhileAnotherWriterHoldsTheSink_WaitsOnThatThread()
    {
        // The reader takes nothing until told: the other writer's flush waits inside the sink's lock.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1));
        await using var sink = new LineSink(pipe.Writer.AsStream());
        var cancellation = TestContext.Current.CancellationToken;
        var holding = sink.SendAsync("{\"a\":1}"u8.ToArray(), flush: true, cancellation).AsTask();
        Assert.False(holding.IsCompleted);

        // Awaited, the wait would end on a pool thread: the send comes back unfinished.
        var sendReturned = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pumpThread = new Thread(() =>
        {
            PumpThread.MarkCurrent();
            var sending = sink.SendAsync("{\"b\":2}"u8.ToArray(), flush: false, cancellation);
            sendReturned.SetResult(sending.IsCompleted);
            sending.AsTask().GetAwaiter().GetResult();
        });
        pumpThread.Start();

        // The first writer goes on once the pump thread waits for the sink, blocked or with its send unfinished.
        SpinWait.SpinUntil(() => sendReturned.Task.IsCompleted
            || (pumpThread.ThreadState & ThreadState.WaitSleepJoin) != 0);
        var lines = ReadLinesAsync(pipe.Reader, 2, cancellation);
        await holding;
        pumpThread.Join();
        await sink.FlushAsync(cancellation);

        Assert.True(await sendReturned.Task);
        Assert.Equal(["{\"a\":1}", "{\"b\":2}"], await lines);
    }

    private static async Task<string[]> ReadLinesAsync(PipeReader reader, int count, CancellationToken cancellation)
    {
        var text = new StringBuilder();
        while (text.ToString().Count(c => c == '\n') < count)
        {
            var read = await reader.ReadAsync(cancellation);
            text.Append(Encoding.UTF8.GetString(read.Buffer));
            reader.AdvanceTo(read.Buffer.End);
        }

        return text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            var next = new Segment(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)), offset);
            if (last is null)
            {
                first = next;
            }
            else
            {
                last.Next = next;
            }

            last = next;
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

        public new Segment? Next
        {
            get => (Segment?)base.Next;
            set => base.Next = value;
        }
    }
}
