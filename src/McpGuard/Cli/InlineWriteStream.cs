namespace McpGuard.Cli;

/// <summary>
/// The guard's stdout with asynchronous writes done inline, as a blocking <c>write(2)</c> on the caller's thread.
/// </summary>
/// <remarks>
/// A <see cref="FileStream"/> over descriptor 1 (needed to see EPIPE, see <see cref="StandardOutput"/>) runs every
/// <c>WriteAsync</c> as a work item on the thread pool: each server answer then waited for a second thread to wake
/// up before it reached the client, a hand-off on every sequential round trip (bench soak, before/after in
/// bench/HISTORY.md). The wait is no longer than before: the pool thread blocked in the same <c>write(2)</c>, and a
/// full pipe (a client that does not read) still holds the server pump, which is the backpressure docs/relay.md
/// asks for.
/// </remarks>
internal sealed class InlineWriteStream(Stream inner) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            inner.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return ValueTask.FromException(ex);
        }
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        // Writes reach the descriptor at once (the inner stream has no buffer): nothing is left to flush.
        return cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
