using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;

namespace McpGuard.Stdio;

/// <summary>
/// One direction of the stdio transport: frames lines from an input stream and hands each, a whole message, to
/// the session, one at a time, in order. Lines are handled straight from the pipe's buffer (no copy), and the
/// buffer is released only after the session has sent them on, so a slow reader on the output side stops us
/// reading input.
/// </summary>
internal sealed partial class MessagePump(
    string name,
    Func<ReadOnlySequence<byte>, CancellationToken, ValueTask> handleMessage,
    Func<CancellationToken, ValueTask> onOversizedLine,
    Func<CancellationToken, ValueTask> flushOutputs,
    long maxLineBytes,
    ILogger logger)
{
    private readonly TaskCompletionSource _firstLines = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes once the session was handed the first read's lines (each request then awaits its answer, or the
    /// error that ends it): the stdio relay waits for it when the server dies before the client's first message was
    /// read (docs/relay.md#lifecycle).
    /// </summary>
    public Task FirstLinesHandled => _firstLines.Task;

    public async Task RunAsync(Stream input, CancellationToken cancellationToken)
    {
        var framer = new LineFramer(maxLineBytes);
        var reader = PipeReader.Create(
            input, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));

        // Stopping cancels the read in progress, or the next one, which comes back canceled: one registration on the
        // token for the pump's life. Given to each ReadAsync, the token was registered and unregistered per read
        // (about 350 instructions a line; bench/HISTORY.md, thirteenth session).
        var stopping = cancellationToken.UnsafeRegister(static pipe => ((PipeReader)pipe!).CancelPendingRead(), reader);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(CancellationToken.None);
                if (result.IsCanceled)
                {
                    throw new OperationCanceledException(cancellationToken);
                }

                var buffer = result.Buffer;
                while (framer.TryReadLine(ref buffer, out var line))
                {
                    await HandleLineAsync(line, cancellationToken);
                }

                if (result.IsCompleted && framer.TryReadFinalLine(ref buffer, out var last))
                {
                    await HandleLineAsync(last, cancellationToken);
                }

                if (!_firstLines.Task.IsCompleted && !buffer.Start.Equals(result.Buffer.Start))
                {
                    _firstLines.TrySetResult();
                }

                for (; framer.DroppedOversizedLines > 0; framer.DroppedOversizedLines--)
                {
                    LogOversized(logger, name, maxLineBytes);
                    await onOversizedLine(cancellationToken);
                }

                // One flush per read batch: pipelined small messages share a write, big ones were flushed already.
                await flushOutputs(cancellationToken);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            // First, so a late stop never cancels a read on a completed reader.
            await stopping.DisposeAsync();
            await reader.CompleteAsync();
        }
    }

    private ValueTask HandleLineAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        // CRLF endings are accepted: the CR right before the newline is not part of the message.
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }

        // The session handles each message whole and never throws for one bad message.
        return handleMessage(line, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Direction}: dropped a message longer than {MaxBytes} bytes.")]
    private static partial void LogOversized(ILogger logger, string direction, long maxBytes);
}
