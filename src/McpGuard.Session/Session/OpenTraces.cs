using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>
/// Telemetry records by <see cref="JsonRpcId.Key"/>, for the few requests whose entry left the table of requests in
/// flight before the guard wrote their answer (a withdrawal, the shutdown, a held call given up): that answer, read
/// back by <see cref="TracedClientPeer"/>, finds its record here (<see cref="RequestTable.Unanswered"/>). A request
/// answered with its entry in hand never comes here. A dictionary under a lock: it makes no node per request.
/// </summary>
internal sealed class OpenTraces
{
    private readonly Dictionary<string, RequestTrace> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _count;

    public bool IsEmpty => Volatile.Read(ref _count) == 0;

    public void Add(JsonRpcId id, RequestTrace request)
    {
        lock (_gate)
        {
            _open[id.Key] = request;
            Volatile.Write(ref _count, _open.Count);
        }
    }

    public bool TryGet(JsonRpcId id, [NotNullWhen(true)] out RequestTrace? request)
    {
        if (IsEmpty)
        {
            request = null;
            return false;
        }

        lock (_gate)
        {
            return _open.TryGetValue(id.Key, out request);
        }
    }

    public bool TryRemove(JsonRpcId id, [NotNullWhen(true)] out RequestTrace? request)
    {
        if (IsEmpty)
        {
            request = null;
            return false;
        }

        lock (_gate)
        {
            var removed = _open.Remove(id.Key, out request);
            Volatile.Write(ref _count, _open.Count);
            return removed;
        }
    }

    /// <summary>The record an audit record's <c>request_id</c> names, if it is here.</summary>
    public RequestTrace? Find(JsonElement? requestId) =>
        requestId is { } element && JsonRpcId.FromElement(element) is { } id && TryGet(id, out var request)
            ? request
            : null;

    /// <summary>Takes every record out: the session ended, and nothing will answer them any more.</summary>
    public IReadOnlyList<RequestTrace> TakeAll()
    {
        if (IsEmpty)
        {
            return [];
        }

        lock (_gate)
        {
            var taken = _open.Values.ToList();
            _open.Clear();
            Volatile.Write(ref _count, 0);
            return taken;
        }
    }
}
