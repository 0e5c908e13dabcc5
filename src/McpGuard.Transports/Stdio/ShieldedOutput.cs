namespace McpGuard.Stdio;

/// <summary>
/// The child's stdout as one stream across a restart by <see cref="ShieldedChild"/>: when the first child's output
/// ends and it was replaced, the guard's answers for it come next, then the new child's output, with the guard's
/// answers of the <see cref="FallbackWindow"/> as they arise. Otherwise its end is the end of this stream.
/// </summary>
/// <remarks>
/// While the window is open the new child is read on a thread of its own, so an answer of the guard is not stuck
/// behind a blocking read of a child that says nothing before <c>initialize</c>; afterwards reads are inline again.
/// </remarks>
internal sealed class ShieldedOutput(
    ChildProcess first, Task<ChildReplacement?> replaced, FirstRequestShield shield, FallbackWindow window) : Stream
{
    private Stream _current = first.StandardOutput;
    private Task<ChildReplacement?> _replaced = replaced;
    private ReadOnlyMemory<byte> _answers;
    private byte[]? _asideBuffer;
    private Task<int>? _readAside;
    private ReadOnlyMemory<byte> _readAhead;

    /// <summary>Set at the restart: only then can the window be open, so only then is it looked at.</summary>
    private bool _restarted;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_restarted && _answers.IsEmpty && window.Answers.TryRead(out var answer))
            {
                _answers = answer;
            }

            if (!_answers.IsEmpty)
            {
                return Take(ref _answers, buffer);
            }

            if (!_readAhead.IsEmpty)
            {
                return Take(ref _readAhead, buffer);
            }

            int read;
            if (_readAside is null && !(_restarted && window.IsOpen))
            {
                read = await _current.ReadAsync(buffer, cancellationToken);
                if (read > 0)
                {
                    if (shield.IsArmed)
                    {
                        shield.OnChildSpoke();
                    }

                    return read;
                }
            }
            else
            {
                var reading = _readAside ??= ReadAside(_current);
                if (!reading.IsCompleted && window.IsOpen)
                {
                    // Wakes for an answer of the guard, or for the window's close (then the read is waited for).
                    await Task.WhenAny(reading, window.Answers.WaitToReadAsync(cancellationToken).AsTask());
                    cancellationToken.ThrowIfCancellationRequested();
                    continue;
                }

                _readAside = null;
                read = await reading.WaitAsync(cancellationToken);
                if (read > 0)
                {
                    _readAhead = _asideBuffer.AsMemory(0, read);
                    continue;
                }
            }

            if (await _replaced.WaitAsync(cancellationToken) is not { } replacement)
            {
                return 0;
            }

            (_current, _answers, _replaced) = (replacement.Child.StandardOutput, replacement.Answers, replacement.Next);
            _restarted = true;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static int Take(ref ReadOnlyMemory<byte> from, Memory<byte> buffer)
    {
        var count = Math.Min(buffer.Length, from.Length);
        from[..count].CopyTo(buffer);
        from = from[count..];
        return count;
    }

    /// <summary>A read of <paramref name="stream"/> on a thread of its own (its reads may block).</summary>
    private Task<int> ReadAside(Stream stream)
    {
        var buffer = _asideBuffer ??= new byte[16 * 1024];
        return Task.Factory.StartNew(
            () => stream.Read(buffer), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
