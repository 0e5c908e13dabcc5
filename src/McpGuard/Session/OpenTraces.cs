using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>
/// One session's requests in flight, as telemetry sees them, by <see cref="JsonRpcId.Key"/>. An audit record names
/// its request by a JSON id: that id's key is spelled on the stack (<c>s:</c> or <c>n:</c> and the id) to look it
/// up, rather than made into a <see cref="JsonRpcId"/> with two new arrays per decision.
/// </summary>
internal sealed class OpenTraces
{
    /// <summary>Ids longer than this are looked up the slow way (a new key).</summary>
    private const int MaxStackId = 128;

    private readonly ConcurrentDictionary<string, RequestTrace> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RequestTrace>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public OpenTraces() => _bySpan = _open.GetAlternateLookup<ReadOnlySpan<char>>();

    public bool IsEmpty => _open.IsEmpty;

    public void Add(JsonRpcId id, RequestTrace request) => _open[id.Key] = request;

    public bool TryGet(JsonRpcId id, [NotNullWhen(true)] out RequestTrace? request) =>
        _open.TryGetValue(id.Key, out request);

    public bool TryRemove(JsonRpcId id, [NotNullWhen(true)] out RequestTrace? request) =>
        _open.TryRemove(id.Key, out request);

    /// <summary>The request an audit record's <c>request_id</c> names, if it is still open.</summary>
    public RequestTrace? Find(JsonElement? requestId)
    {
        if (requestId is not { } element)
        {
            return null;
        }

        Span<char> key = stackalloc char[MaxStackId + 2];
        if (TrySpell(element, key, out var length))
        {
            return _bySpan.TryGetValue(key[..length], out var found) ? found : null;
        }

        return JsonRpcId.FromElement(element) is { } id && _open.TryGetValue(id.Key, out var request) ? request : null;
    }

    /// <summary><see cref="JsonRpcId.Key"/> of a string without escapes or an integer, written into the span.</summary>
    private static bool TrySpell(JsonElement element, Span<char> key, out int length)
    {
        length = 0;
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length > MaxStackId || raw.Contains((byte)'\\'))
        {
            return false;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                key[0] = 's';
                raw = raw[1..^1]; // the quotes
                break;
            case JsonValueKind.Number when JsonRpcId.IsInteger(raw):
                key[0] = 'n';
                break;
            default:
                return false;
        }

        key[1] = ':';
        length = 2 + Encoding.UTF8.GetChars(raw, key[2..]);
        return true;
    }
}
