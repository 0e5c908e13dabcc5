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

    public bool TryAdd(PendingRequest request) => Counted(_pending.TryAdd(request.Id.Key, request), 1);

    public bool TryRemove(JsonRpcId id, out PendingRequest request) =>
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
            && Counted(_pending.TryRemove(new KeyValuePair<string, PendingRequest>(id.Key, found)), -1)
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
                OwnResponse = new TaskCompletionSource<System.Text.Json.JsonDocument>(TaskCreationOptions.RunContinuationsAsynchronously),
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
            if (Counted(_pending.TryRemove(key, out var request), -1))
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
}
