using System.Collections.Concurrent;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The client's open <c>subscriptions/listen</c> streams (2026-07-28) that asked for tool-list changes, by the id
/// of the listen request, which is also the subscription's id. A stream ends when the server answers its request
/// or the client cancels it.
/// </summary>
internal sealed class ListenStreams
{
    public const string Method = "subscriptions/listen";

    private readonly ConcurrentDictionary<string, JsonRpcId> _toolStreams = new(StringComparer.Ordinal);

    /// <summary>Opens a stream if the listen request's filter asks for <c>toolsListChanged</c>.</summary>
    public void Open(JsonRpcId id, JsonElement parameters)
    {
        if (parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("notifications"u8, out var filter) && filter.ValueKind == JsonValueKind.Object
            && filter.TryGetProperty("toolsListChanged"u8, out var tools) && tools.ValueKind == JsonValueKind.True)
        {
            _toolStreams[id.Key] = id;
        }
    }

    public void Close(JsonRpcId id) => _toolStreams.TryRemove(id.Key, out _);

    /// <summary>The streams to tell about a tool-list change, in no particular order.</summary>
    public IReadOnlyList<JsonRpcId> ToolChangeStreams() => [.. _toolStreams.Values];
}
