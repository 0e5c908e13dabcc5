using System.Runtime.InteropServices;
using System.Text.Json;
using McpGuard.Policy.Json;

namespace McpGuard.Session;

/// <summary>
/// The tool a <c>tools/call</c>'s <c>name</c> member names, as a string for telemetry: the last name's string again
/// when its JSON bytes are the same (an agent mostly calls one tool after another), so a run of calls to one tool
/// makes no new string, and the metric labels and span attributes that compare it with the last call's find the
/// same instance.
/// </summary>
internal sealed class ToolNames
{
    private Known? _last;

    /// <summary>
    /// The parameters' <c>name</c> member as a string; null when it is not a string (or absent) or escapes a lone
    /// surrogate, as the gate reads it (<see cref="JsonText.TryGetString"/>): the gate takes this string rather than
    /// reading the name again (<see cref="ToolCall.TryRead(JsonElement, string?, out ToolCall, out string?)"/>).
    /// </summary>
    public string? Of(JsonElement name)
    {
        if (name.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        // The raw bytes, quotes and escapes included: the same bytes are the same name.
        var raw = JsonMarshal.GetRawUtf8Value(name);
        var last = Volatile.Read(ref _last);
        if (last is not null && raw.SequenceEqual(last.Raw))
        {
            return last.Name;
        }

        if (JsonText.TryGetString(name) is not { } text)
        {
            return null;
        }

        Volatile.Write(ref _last, new Known(raw.ToArray(), text));
        return text;
    }

    private sealed record Known(byte[] Raw, string Name);
}
