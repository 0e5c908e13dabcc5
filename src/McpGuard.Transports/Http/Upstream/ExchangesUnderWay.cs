namespace McpGuard.Http.Upstream;

/// <summary>
/// How many of a session's requests are out at the upstream, so that closing can wait for them. A count, not a
/// set of their tasks: a set cost an entry and a continuation per request (~2,000 instructions, callgrind).
/// </summary>
internal sealed class ExchangesUnderWay
{
    private readonly TaskCompletionSource _allEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private volatile bool _closing;

    /// <summary>A request goes out (counted before it starts, so closing cannot miss it).</summary>
    public void Started() => Interlocked.Increment(ref _count);

    /// <summary>A request ended, however it ended.</summary>
    public void Ended()
    {
        if (Interlocked.Decrement(ref _count) == 0 && _closing)
        {
            _allEnded.TrySetResult();
        }
    }

    /// <summary>Completes once no request is out; from the session's close on.</summary>
    public Task AllEnded()
    {
        _closing = true;
        if (Volatile.Read(ref _count) == 0)
        {
            _allEnded.TrySetResult();
        }

        return _allEnded.Task;
    }
}
