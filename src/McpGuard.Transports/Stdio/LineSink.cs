using System.Buffers;
using McpGuard.Session;

namespace McpGuard.Stdio;

/// <summary>
/// One output direction of the stdio transport (the client's stdout or the child's stdin): a message per line.
/// Several producers write through it (the pump, held calls, the guard's own requests), so a lock keeps lines
/// whole. Awaiting the flush is the backpressure: a slow reader on this side slows the pump that feeds it.
/// </summary>
/// <remarks>
/// Lines wait in a plain buffer and a flush is one write of it to the stream. A <c>PipeWriter</c> did the same
/// at about 1k more instructions per flush (its segments, a registration on the token, a pooled state machine: two
/// flushes per relayed call, bench/HISTORY.md, thirteenth session).
/// </remarks>
internal sealed class LineSink(Stream stream) : IClientPeer, IServerPeer
{
    /// <summary>
    /// Lines bigger than this are flushed at once rather than batched, so big messages are not held twice; a batch
    /// that reaches it is written at once too.
    /// </summary>
    private const int BatchThreshold = 64 * 1024;

    private static readonly ReadOnlyMemory<byte> s_newline = "\n"u8.ToArray();

    private readonly SemaphoreSlim _lock = new(1, 1);
    private ArrayBufferWriter<byte> _batch = new(BatchThreshold / 16);
    // Set by a write that waits for FlushAsync (flush: false) and cleared by any flush: a write that flushes itself
    // owes nothing, so the pump's flush at the end of its read batch does not queue behind the held calls that the
    // counter store's thread is forwarding meanwhile (each such wait cost the pump a hop to the thread pool).
    private volatile bool _dirty;
    private bool _broken;

    /// <summary>True once a write failed: the reader on this side is gone (a client that closed our stdout).</summary>
    public bool IsBroken => _broken;

    /// <summary>
    /// Writes one message as a line and its newline. With <paramref name="flush"/> false it may wait for <see
    /// cref="FlushAsync"/>.
    /// </summary>
    public async ValueTask SendAsync(ReadOnlySequence<byte> line, bool flush, CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken);
        try
        {
            if (line.Length > BatchThreshold && !OneLine.HasNewline(line))
            {
                // A big line goes straight from the pipe's buffers to the stream: no copy into the batch.
                await FlushLockedAsync(cancellationToken);
                await WriteDirectLockedAsync(line, cancellationToken);
                return;
            }

            foreach (var segment in line)
            {
                OneLine.Write(_batch, segment.Span);
            }

            _batch.Write("\n"u8);
            if (!flush && _batch.WrittenCount < BatchThreshold)
            {
                _dirty = true;
                return;
            }

            try
            {
                await FlushLockedAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // Not written after all: owed to the next flush.
                _dirty = true;
                throw;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> line, bool flush, CancellationToken cancellationToken) =>
        SendAsync(new ReadOnlySequence<byte>(line), flush, cancellationToken);

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }

        await EnterAsync(cancellationToken);
        try
        {
            await FlushLockedAsync(cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Closes the stream so the reader on the other side sees end of file (the child's stdin on client EOF).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync();
        try
        {
            if (!_broken)
            {
                await FlushLockedAsync(CancellationToken.None);
            }

            await stream.DisposeAsync();
        }
        catch (IOException)
        {
            // The reader is gone; there is nobody left to tell.
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Takes the lock. Held by another writer, it is waited for blocked on a pump's own thread (<see
    /// cref="PumpThread"/>), so the pump goes on where it was, and awaited anywhere else (a pool thread must not
    /// block). Free, it is taken without a wait: <c>Wait</c> with a token registers on the token even then
    /// (callgrind: 1.4k more instructions per forwarded call).
    /// </summary>
    private ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        if (!PumpThread.IsCurrent)
        {
            return new ValueTask(_lock.WaitAsync(cancellationToken));
        }

        if (!_lock.Wait(0, CancellationToken.None))
        {
            _lock.Wait(cancellationToken);
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask WriteDirectLockedAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        if (_broken)
        {
            throw new IOException("The output stream is closed.");
        }

        try
        {
            foreach (var segment in line)
            {
                await stream.WriteAsync(segment, cancellationToken);
            }

            await stream.WriteAsync(s_newline, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            _broken = true;
            throw;
        }
    }

    private async ValueTask FlushLockedAsync(CancellationToken cancellationToken)
    {
        if (_broken)
        {
            throw new IOException("The output stream is closed.");
        }

        try
        {
            if (_batch.WrittenCount > 0)
            {
                await stream.WriteAsync(_batch.WrittenMemory, cancellationToken);

                // A batch that grew past a few big lines does not keep its memory for the rest of the session.
                if (_batch.Capacity > 2 * BatchThreshold)
                {
                    _batch = new ArrayBufferWriter<byte>(BatchThreshold / 16);
                }
                else
                {
                    _batch.ResetWrittenCount();
                }
            }

            await stream.FlushAsync(cancellationToken);
            _dirty = false;
        }
        catch (IOException)
        {
            _broken = true;
            throw;
        }
    }
}
