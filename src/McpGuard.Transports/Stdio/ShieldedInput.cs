namespace McpGuard.Stdio;

/// <summary>
/// The child's stdin as one stream across a restart by <see cref="ShieldedChild"/>: writes go to the current
/// child; the shield admits them while it is armed (holding back what the child may be dying of), and the <see
/// cref="FallbackWindow"/> filters them while it is open. Closing it closes the current child's stdin for good, once
/// the held lines are settled. Until the poke is settled, the shield disarmed, nothing held and the window closed
/// (none of which comes back), writes take a lock, which the restart takes too: the poke's empty line never lands
/// inside a line, and no write reaches the dead child after its exit, the new one unfiltered, or any child before the
/// lines held ahead of it.
/// </summary>
internal sealed class ShieldedInput(
    Func<ChildProcess> current, FirstRequestShield shield, FallbackWindow window, Action closing) : Stream
{
    private static readonly ReadOnlyMemory<byte> s_emptyLine = "\n"u8.ToArray();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private volatile bool _pokePossible = true;
    private volatile bool _watched = true;
    private bool _closed;

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

    /// <summary>
    /// Writes the lines the shield held to the current child once the shield is settled: the child spoke, or
    /// <paramref name="giveUp"/> (it neither spoke nor died in time: they go to it as they are). After a restart
    /// nothing is left here (the restart sent them through the window).
    /// </summary>
    public async Task ReleaseHeldAsync(bool giveUp)
    {
        await _writing.WaitAsync();
        try
        {
            if (giveUp && shield.IsArmed)
            {
                shield.GiveUp();
            }

            await WriteHeldLockedAsync(CancellationToken.None);
        }
        catch (IOException)
        {
            // The child is gone: its exit ends the session.
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
            _writing.Wait();
            try
            {
                // Lines still held wait for the shield to settle; ReleaseHeldAsync closes the stdin after them.
                _closed = true;
                if (!shield.HasHeld)
                {
                    current().StandardInput.Dispose();
                }
            }
            finally
            {
                _writing.Release();
            }
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
                await WriteToChildAsync(window.Filter(buffer.Span), cancellationToken);
                return;
            }

            if (shield.IsArmed)
            {
                buffer = shield.Admit(buffer.Span);
            }
            else
            {
                await WriteHeldLockedAsync(cancellationToken);
            }

            await WriteToChildAsync(buffer, cancellationToken);
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

    /// <summary>What the shield held, to the current child once it is disarmed; under the lock.</summary>
    private async Task WriteHeldLockedAsync(CancellationToken cancellationToken)
    {
        if (shield.IsArmed || !shield.HasHeld)
        {
            return;
        }

        await WriteToChildAsync(shield.TakeHeld(), cancellationToken);
        await current().StandardInput.FlushAsync(cancellationToken);
        if (_closed)
        {
            current().StandardInput.Dispose();
        }
    }

    private async Task WriteToChildAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (!bytes.IsEmpty)
        {
            await current().StandardInput.WriteAsync(bytes, cancellationToken);
        }
    }

    /// <summary>Writes stop taking the lock once nothing is left to watch; under the lock.</summary>
    private void Settle() => _watched = _pokePossible || shield.IsArmed || shield.HasHeld || window.IsOpen;
}
