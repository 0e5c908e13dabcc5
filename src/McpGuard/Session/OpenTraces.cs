using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>
/// One session's requests in flight, as telemetry sees them, by <see cref="JsonRpcId.Key"/>. A dictionary under a
/// lock rather than a concurrent one: each request is added, looked up two or three times and removed, by the
/// session's few threads, and a plain dictionary makes no node per request. A request's record is changed here only,
/// under the lock: once removed it goes to the exporter, which reuses it for another request.
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

    /// <summary>The traced request <paramref name="id"/> names went to the server at <paramref name="at"/>.</summary>
    public void Forwarded(JsonRpcId id, long at)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(id.Key, out var request) && request.Traced)
            {
                request.ForwardedAt = at;
            }
        }
    }

    /// <summary>The guard's decision on the traced request's SERVER span (asked, then approved: the last).</summary>
    public void Decided(JsonRpcId id, string decision, string? ruleId, string? risk, string? channel)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(id.Key, out var request) && request.Traced)
            {
                request.Decision = decision;
                request.Rule = ruleId;
                request.Risk = risk;
                request.Channel = channel ?? request.Channel;
            }
        }
    }

    /// <summary>What the result policy found in the traced request's answer (<c>mcpguard.redactions</c>).</summary>
    public void Concluded(JsonRpcId id, int redactions)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(id.Key, out var request) && request.Traced)
            {
                request.Redactions = redactions;
            }
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
