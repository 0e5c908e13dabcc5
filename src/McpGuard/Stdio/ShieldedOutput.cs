namespace McpGuard.Stdio;

/// <summary>
/// The child's stdout as one stream across a restart by <see cref="ShieldedChild"/>: when the first child's output
/// ends and it was replaced, the guard's answers for it come next, then the new child's output. Otherwise its end
/// is the end of this stream.
/// </summary>
internal sealed class ShieldedOutput(
    ChildProcess first, Task<ChildReplacement?> replaced, FirstRequestShield shield) : Stream
{
    private Stream _current = first.StandardOutput;
    private Task<ChildReplacement?> _replaced = replaced;
    private ReadOnlyMemory<byte> _answers;

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
            if (!_answers.IsEmpty)
            {
                var count = Math.Min(buffer.Length, _answers.Length);
                _answers[..count].CopyTo(buffer);
                _answers = _answers[count..];
                return count;
            }

            var read = await _current.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                if (shield.IsArmed)
                {
                    shield.OnChildSpoke();
                }

                return read;
            }

            if (await _replaced.WaitAsync(cancellationToken) is not { } replacement)
            {
                return 0;
            }

            (_current, _answers, _replaced) = (replacement.Child.StandardOutput, replacement.Answers, replacement.Next);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
