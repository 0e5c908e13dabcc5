using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace McpGuard.Session;

/// <summary>
/// Requests in flight in one direction, by id. The guard's own requests live in the same table as the
/// peer's, so an id the guard uses can never be reused by the peer while it is in flight, and vice versa.
/// </summary>
internal sealed class RequestTable
{
    private readonly ConcurrentDictionary<string, PendingRequest> _pending = new(StringComparer.Ordinal);
    private long _next;
    private int _count;

    /// <summary>
    /// Requests in flight, counted beside the dictionary: its own <c>Count</c> takes every one of its locks, and the
    /// tools/call gate asks for every counted call (<c>CallsBehind</c>).
    /// </summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The telemetry records of requests taken out by <see cref="TryRemove"/>, <see cref="TryWithdraw"/> or
    /// <see cref="Drain"/>, whose answer (the guard's own, sent after) finds its spans here by id
    /// (<see cref="RequestSpans"/>). Empty without telemetry, and for answers taken with <see cref="TryTake"/>.
    /// </summary>
    public OpenTraces Unanswered { get; } = new();

    public bool TryAdd(PendingRequest request) => Counted(_pending.TryAdd(request.Id.Key, request), 1);

    /// <summary>Takes a request out; whatever answers it later finds its telemetry record by id.</summary>
    public bool TryRemove(JsonRpcId id, out PendingRequest request) =>
        Parked(TryTake(id, out request), request);

    /// <summary>
    /// Takes a request out to answer it now, with the entry in hand: the caller ends its spans
    /// (<see cref="SessionChannels.PassToClientAsync"/>, <see cref="SessionChannels.AnswerClientAsync"/>).
    /// </summary>
    public bool TryTake(JsonRpcId id, out PendingRequest request) =>
        Counted(_pending.TryRemove(id.Key, out request!), -1);

    public bool TryGet(JsonRpcId id, out PendingRequest request) => _pending.TryGetValue(id.Key, out request!);

    public bool Contains(JsonRpcId id) => _pending.ContainsKey(id.Key);

    /// <summary>
    /// Takes a peer's request out because the peer cancelled it: from now on nothing is answered for it. The
    /// guard's own requests cannot be withdrawn this way (a peer must not be able to end the guard's list).
    /// </summary>
    public bool TryWithdraw(JsonRpcId id, [NotNullWhen(true)] out PendingRequest? request)
    {
        request = null;
        return _pending.TryGetValue(id.Key, out var found)
            && found.OwnResponse is null
            && Parked(Counted(_pending.TryRemove(new KeyValuePair<string, PendingRequest>(id.Key, found)), -1), found)
            && (request = found) is not null;
    }

    /// <summary>Registers a request of the guard's own under a fresh id that nobody has in flight.</summary>
    public PendingRequest AddOwn(string method)
    {
        while (true)
        {
            var id = JsonRpcId.FromString($"mcpguard-{Environment.ProcessId}-{Interlocked.Increment(ref _next)}");
            var request = new PendingRequest(id, method)
            {
                OwnResponse = new TaskCompletionSource<System.Text.Json.JsonDocument>(
                    TaskCreationOptions.RunContinuationsAsynchronously),
            };
            if (Counted(_pending.TryAdd(id.Key, request), 1))
            {
                return request;
            }
        }
    }

    /// <summary>Takes every request still in flight, for answering them when the other side is gone.</summary>
    public IReadOnlyList<PendingRequest> Drain()
    {
        var drained = new List<PendingRequest>();
        foreach (var key in _pending.Keys)
        {
            if (Counted(_pending.TryRemove(key, out var request), -1) && Parked(true, request!))
            {
                drained.Add(request!);
            }
        }

        return drained;
    }

    private bool Counted(bool changed, int by)
    {
        if (changed)
        {
            Interlocked.Add(ref _count, by);
        }

        return changed;
    }

    /// <summary>A request taken out with its spans still open: its record waits for the answer by id.</summary>
    private bool Parked(bool removed, PendingRequest? request)
    {
        if (removed && request?.Trace is { } trace)
        {
            request.Trace = null;
            Unanswered.Add(request.Id, trace);
        }

        return removed;
    }
}
