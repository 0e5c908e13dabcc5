using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>One session's requests in flight, as telemetry sees them, by <see cref="JsonRpcId.Key"/>.</summary>
internal sealed class OpenTraces
{
    private readonly ConcurrentDictionary<string, RequestTrace> _open = new(StringComparer.Ordinal);

    public bool IsEmpty => _open.IsEmpty;

    public void Add(JsonRpcId id, RequestTrace request) => _open[id.Key] = request;

    public bool TryGet(JsonRpcId id, [NotNullWhen(true)] out RequestTrace? request) =>
        _open.TryGetValue(id.Key, out request);

    public bool TryRemove(JsonRpcId id, [NotNullWhen(true)] out RequestTrace? request) =>
        _open.TryRemove(id.Key, out request);

    /// <summary>
    /// The request an audit record's <c>request_id</c> names, if it is still open. The session's own hooks name a
    /// request by its <see cref="JsonRpcId"/> and never come here: only a caller holding a record does.
    /// </summary>
    public RequestTrace? Find(JsonElement? requestId) =>
        requestId is { } element && JsonRpcId.FromElement(element) is { } id && TryGet(id, out var request)
            ? request
            : null;
}
