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

    public int Count => _pending.Count;

    public bool TryAdd(PendingRequest request) => _pending.TryAdd(request.Id.Key, request);

    public bool TryRemove(JsonRpcId id, out PendingRequest request) => _pending.TryRemove(id.Key, out request!);

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
            && _pending.TryRemove(new KeyValuePair<string, PendingRequest>(id.Key, found))
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
            if (_pending.TryAdd(id.Key, request))
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
            if (_pending.TryRemove(key, out var request))
            {
                drained.Add(request);
            }
        }

        return drained;
    }
}
