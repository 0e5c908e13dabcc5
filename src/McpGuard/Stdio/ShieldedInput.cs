namespace McpGuard.Stdio;

/// <summary>
/// The child's stdin as one stream across a restart by <see cref="ShieldedChild"/>: writes go to the current
/// child, and the shield sees them while it is armed. Closing it closes the current child's stdin for good.
/// Until the shield's one poke is settled, writes take a lock, so the poke's empty line never lands inside a line.
/// </summary>
internal sealed class ShieldedInput(Func<ChildProcess> current, FirstRequestShield shield, Action closing) : Stream
{
    private static readonly ReadOnlyMemory<byte> s_emptyLine = "\n"u8.ToArray();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private volatile bool _pokePossible = true;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Writes one empty line to the child if <paramref name="stillWanted"/> says so, once; afterwards writes no
    /// longer take the lock. An empty line is no message: servers skip it, and one whose session is already dead
    /// (the Python SDK 1.9.3 after a request before initialize) exits when it reads it.
    /// </summary>
    public async Task PokeAsync(Func<bool> stillWanted)
    {
        await _writing.WaitAsync();
        try
        {
            if (stillWanted())
            {
                var stdin = current().StandardInput;
                await stdin.WriteAsync(s_emptyLine);
                await stdin.FlushAsync();
            }
        }
        catch (IOException)
        {
            // The child is gone already: its exit decides what happens next.
        }
        finally
        {
            _pokePossible = false;
            _writing.Release();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_pokePossible)
        {
            if (shield.IsArmed)
            {
                shield.OnWritten(buffer.Span);
            }

            return current().StandardInput.WriteAsync(buffer, cancellationToken);
        }

        return WriteLockedAsync(buffer, cancellationToken);
    }

    public override void Flush() => current().StandardInput.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        current().StandardInput.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            closing();
            current().StandardInput.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask WriteLockedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            shield.OnWritten(buffer.Span);
            await current().StandardInput.WriteAsync(buffer, cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }
}
