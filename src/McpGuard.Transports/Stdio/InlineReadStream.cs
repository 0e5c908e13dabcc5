namespace McpGuard.Stdio;

/// <summary>
/// A pump's input (the child's stdout, the guard's stdin) with asynchronous reads done as the stream's own
/// blocking <c>read(2)</c>, on the caller's thread.
/// </summary>
/// <remarks>
/// A pipe stream's <c>ReadAsync</c> on Unix goes through the socket engine: its epoll thread wakes, then queues the
/// read's continuation to a pool worker that must wake in turn, two hand-offs before the guard sees a server answer.
/// The console stream has no <c>ReadAsync</c> of its own, so Stream's default queues every blocking read to the
/// pool (seen with perf: <c>Stream.BeginReadInternal</c> → <c>PortableThreadPool.RequestWorker</c>, per client line).
/// Read inline on the pump's own thread (<see cref="StdioRelay"/>), the thread the kernel wakes is the one that
/// handles the line. The child's descriptor stays blocking because nothing ever reads it asynchronously. A read
/// cannot be cancelled; it ends when its input closes (client EOF; the child exited or was killed), and the thread
/// is a background one, so it never keeps the guard alive.
/// </remarks>
internal sealed class InlineReadStream(Stream inner) : Stream
{
    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            return new(inner.Read(buffer.Span));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return ValueTask.FromException<int>(ex);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
