namespace McpGuard.Stdio;

/// <summary>
/// The child's stdin as one stream across a restart by <see cref="ShieldedChild"/>: writes go to the current
/// child; the shield sees them while it is armed, and the <see cref="FallbackWindow"/> filters them while it is open.
/// Closing it closes the current child's stdin for good. Until the poke is settled, the shield disarmed and the window
/// closed (none of which comes back), writes take a lock, which the restart takes too: the poke's empty line never
/// lands inside a line, and no write reaches the dead child after its exit or the new one unfiltered.
/// </summary>
internal sealed class ShieldedInput(
    Func<ChildProcess> current, FirstRequestShield shield, FallbackWindow window, Action closing) : Stream
{
    private static readonly ReadOnlyMemory<byte> s_emptyLine = "\n"u8.ToArray();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private volatile bool _pokePossible = true;
    private volatile bool _watched = true;

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
    /// Writes one empty line to the child if <paramref name="stillWanted"/> says so, once. An empty line is no
    /// message: servers skip it, and one whose session is already dead (the Python SDK 1.9.3 after a request before
    /// initialize) exits when it reads it.
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
            Settle();
            _writing.Release();
        }
    }

    /// <summary>Runs <paramref name="restart"/> under the write lock (<see cref="ShieldedChild"/>'s restart).</summary>
    public async Task<T> UnderLockAsync<T>(Func<T> restart)
    {
        await _writing.WaitAsync();
        try
        {
            return restart();
        }
        finally
        {
            Settle();
            _writing.Release();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        return _watched
            ? WriteWatchedAsync(buffer, cancellationToken)
            : current().StandardInput.WriteAsync(buffer, cancellationToken);
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

    private async ValueTask WriteWatchedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            if (window.IsOpen)
            {
                var passed = window.Filter(buffer.Span);
                if (!passed.IsEmpty)
                {
                    await current().StandardInput.WriteAsync(passed, cancellationToken);
                }

                return;
            }

            if (shield.IsArmed)
            {
                shield.OnWritten(buffer.Span);
            }

            await current().StandardInput.WriteAsync(buffer, cancellationToken);
        }
        catch (IOException) when (shield.IsArmed)
        {
            // The child died of a modern request before any session: its exit decides, and a restart answers what
            // it was sent, this too.
        }
        finally
        {
            Settle();
            _writing.Release();
        }
    }

    /// <summary>Writes stop taking the lock once nothing is left to watch; under the lock.</summary>
    private void Settle() => _watched = _pokePossible || shield.IsArmed || window.IsOpen;
}
