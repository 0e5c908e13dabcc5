using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>
/// One session's requests in flight, as telemetry sees them, by <see cref="JsonRpcId.Key"/>. A dictionary under a
/// lock rather than a concurrent one: each request is added, looked up two or three times and removed, by the
/// session's few threads, and a plain dictionary makes no node per request.
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
        lock (_gate)
        {
            return _open.TryGetValue(id.Key, out request);
        }
    }

    public bool TryRemove(JsonRpcId id, [NotNullWhen(true)] out RequestTrace? request)
    {
        lock (_gate)
        {
            var removed = _open.Remove(id.Key, out request);
            Volatile.Write(ref _count, _open.Count);
            return removed;
        }
    }

    /// <summary>
    /// The request an audit record's <c>request_id</c> names, if it is still open. The session's own hooks name a
    /// request by its <see cref="JsonRpcId"/> and never come here: only a caller holding a record does.
    /// </summary>
    public RequestTrace? Find(JsonElement? requestId) =>
        requestId is { } element && JsonRpcId.FromElement(element) is { } id && TryGet(id, out var request)
            ? request
            : null;
}
